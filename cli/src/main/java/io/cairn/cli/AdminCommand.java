package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.units.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

@Command(name = "admin", mixinStandardHelpOptions = true, description = "Operator tasks.",
        subcommands = {AdminCommand.Backup.class})
final class AdminCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name an admin task (backup)");
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = {"Write a consistent copy of the master's metadata to FILE while the master runs.",
                "Restore: stop the master, copy FILE to DATA/meta.db (removing meta.db-wal and meta.db-shm), start it."})
    static final class Backup extends ClientCommand {
        @Parameters(paramLabel = "FILE")
        Path file;
        @Option(names = {"-f", "--force"}, description = "overwrite FILE")
        boolean force;

        @Override
        int run(Cluster c) throws Exception {
            if (Files.exists(file) && !force) {
                throw new FileAlreadyExistsException(file.toString(), null, "already exists (use -f to overwrite)");
            }
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
            try {
                long n;
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                     OutputStream out = Local.output(file.toString(), Channels.newOutputStream(ch))) {
                    n = c.master().backup(out);
                    Local.force(file.toString(), ch);
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                System.out.println("metadata backup: " + file + " (" + Units.formatSize(n) + ")");
            } finally {
                Files.deleteIfExists(tmp);
            }
            return 0;
        }
    }
}
