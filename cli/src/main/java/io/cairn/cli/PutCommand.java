package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

@Command(name = "put", mixinStandardHelpOptions = true,
        description = {"Upload a local file (or - for standard input) to Cairn.",
            "Missing parent directories are created; an existing directory REMOTE receives the file under its own name.",
            "The file appears whole or not at all, and only once every chunk is on its replicas and synced."})
final class PutCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "LOCAL")
    String local;
    @Parameters(index = "1", paramLabel = "REMOTE")
    String remote;
    @Option(names = {"-f", "--force"}, description = "replace an existing file")
    boolean force;
    @Option(names = {"-q", "--quiet"}, description = "no progress bar")
    boolean quiet;

    @Override
    int run(Cluster c) throws Exception {
        MasterClient m = c.master();
        boolean stdin = local.equals("-");
        Path src = stdin ? null : Path.of(local);
        if (src != null) {
            if (!Files.exists(src)) {
                throw new NoSuchFileException(local, null, "no such local file");
            }
            if (Files.isDirectory(src)) {
                throw new CairnException(ErrorCode.EISDIR, local + " is a directory (put takes one file)");
            }
        }
        String target = Remote.path(remote);
        Attr existing = Remote.attrOrNull(m, target);
        if (existing != null && existing.isDir()) {
            if (stdin) {
                throw new CairnException(ErrorCode.EISDIR, target + " is a directory");
            }
            target = Remote.child(target, PathRules.name(src.getFileName().toString()));
            existing = Remote.attrOrNull(m, target);
        }
        if (existing != null && !force) {
            throw new CairnException(ErrorCode.EEXIST, target + " already exists (use -f to replace it)");
        }
        if (existing != null && existing.isDir()) {
            throw new CairnException(ErrorCode.EISDIR, target + " is a directory");
        }
        String parent = PathRules.parent(target);
        int[] owner = Remote.owner();
        m.mkdir(parent, 0755, owner[0], owner[1], true);
        String temp = Remote.child(parent, "." + PathRules.baseName(target) + ".cairn-put-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        if (temp.length() - parent.length() > PathRules.NAME_MAX) {
            temp = Remote.child(parent, ".cairn-put-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
        }
        Attr file = m.create(temp, FileType.FILE, mode(src), owner[0], owner[1], null, true);
        boolean done = false;
        try (InputStream in = stdin ? Local.input("standard input", System.in)
                : new BufferedInputStream(Local.input(local, Files.newInputStream(src)), 1 << 16);
             Progress p = Progress.start("put " + PathRules.baseName(target), stdin ? 0 : Files.size(src), quiet)) {
            int chunkSize = (int) m.status().chunkSize();
            c.uploader(2).upload(file.inode(), chunkSize, in, p.listener());
            m.rename(temp, target, !force);
            done = true;
            m.sync(); // the bytes are synced on their replicas; now the name and chunk list survive a power cut too
        } finally {
            if (!done) {
                try {
                    m.unlink(temp);
                } catch (Exception e) {
                    System.err.println("cairn put: could not remove the partial upload " + temp + ": " + e.getMessage());
                }
            }
        }
        return 0;
    }

    private static int mode(Path src) {
        if (src == null) {
            return 0644;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(src, LinkOption.NOFOLLOW_LINKS);
            int mode = 0;
            for (PosixFilePermission p : perms) {
                mode |= 1 << (8 - p.ordinal());
            }
            return mode;
        } catch (Exception e) {
            return 0644;
        }
    }
}
