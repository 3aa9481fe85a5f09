package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Attr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Download a Cairn file to a local path (or - for standard output).",
            "Every chunk is checked against its CRC32C; a bad or unreachable replica is skipped for the next one.",
            "The local file appears whole or not at all."})
final class GetCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "REMOTE")
    String remote;
    @Parameters(index = "1", paramLabel = "LOCAL")
    String local;
    @Option(names = {"-f", "--force"}, description = "overwrite an existing local file")
    boolean force;
    @Option(names = {"-q", "--quiet"}, description = "no progress bar")
    boolean quiet;

    @Override
    int run(Cluster c) throws Exception {
        String path = Remote.path(remote);
        Attr a = c.master().attr(path);
        if (!a.isFile()) {
            throw new CairnException(a.isDir() ? ErrorCode.EISDIR : ErrorCode.EINVAL, path + " is not a regular file");
        }
        if (local.equals("-")) {
            OutputStream out = new BufferedOutputStream(Local.stdout(), 1 << 16);
            c.downloader(2).download(a.inode(), out, n -> { });
            out.flush();
            return 0;
        }
        Path dst = Path.of(local);
        if (Files.isDirectory(dst)) {
            dst = dst.resolve(PathRules.baseName(path));
        }
        if (Files.exists(dst) && !force) {
            throw new FileAlreadyExistsException(dst.toString(), null, "already exists (use -f to overwrite)");
        }
        Path dir = dst.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + dst.getFileName() + ".", ".cairn-get");
        boolean done = false;
        try {
            String shown = dst.toString(); // errors of the temp file are the destination's
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Local.output(shown, Channels.newOutputStream(ch)), 1 << 16);
                 Progress p = Progress.start("get " + PathRules.baseName(path), a.size(), quiet)) {
                c.downloader(2).download(a.inode(), out, p.listener());
                out.flush();
                Local.force(shown, ch);
            }
            Files.move(tmp, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
        return 0;
    }
}
