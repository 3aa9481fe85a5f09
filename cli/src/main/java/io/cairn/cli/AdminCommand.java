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
        subcommands = {AdminCommand.Backup.class, AdminCommand.MigrateMeta.class, TokenCommands.Token.class,
            TokenCommands.JoinToken.class, TlsCommands.Tls.class, KeyCommands.Key.class})
final class AdminCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name an admin task (backup, migrate-meta, token, join-token, tls)");
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = {"Write a consistent copy of the master's metadata to FILE while the master runs.",
                "Restore: stop the master, copy FILE to DATA/meta.db (removing meta.db-wal and meta.db-shm), start it.",
                "A master whose metadata is in PostgreSQL answers that PostgreSQL's own tools make its backups"
                        + " (pg_dump, pg_basebackup with WAL archiving)."})
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

    @Command(name = "migrate-meta", mixinStandardHelpOptions = true,
            description = {"Copy a stopped master's SQLite metadata into an empty PostgreSQL database and check the copy"
                    + " (row counts and a SHA-256 per table). Then start the master with --meta URL.",
                "The password comes from --to-password-file, PGPASSWORD or PGPASSFILE, never from the command line."})
    static final class MigrateMeta implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--from", required = true, paramLabel = "FILE", description = "the master's meta.db (the master stopped)")
        Path from;
        @Option(names = "--to", required = true, paramLabel = "URL", description = "postgresql://USER@HOST:PORT/DB, empty")
        String to;
        @Option(names = "--to-password-file", paramLabel = "FILE", description = "the file whose first line is the password")
        Path passwordFile;

        @Override
        public Integer call() throws Exception {
            var target = io.cairn.master.meta.PostgresUrl.parse(to, passwordFile, System.getenv());
            var tables = io.cairn.master.meta.MetaCopy.copy(from, target);
            long rows = 0;
            for (var t : tables) {
                System.out.printf("%-16s %10d rows  sha256 %s%n", t.name(), t.rows(), t.sha256());
                rows += t.rows();
            }
            System.out.println("migrate-meta: copied " + rows + " rows of " + tables.size() + " tables from " + from + " to "
                    + target.where() + "; every table checked. Start the master with --meta '" + to + "'.");
            return 0;
        }
    }
}
