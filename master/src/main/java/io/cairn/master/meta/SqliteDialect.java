package io.cairn.master.meta;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * SQLite in one file: WAL mode, so readers never wait for the writer; {@code synchronous=NORMAL}, so a
 * commit writes its pages to the write-ahead log (in the operating system's hands: a crash of the
 * master keeps them) without waiting for the disk, and a {@link #barrier} syncs the log once for every
 * commit before it (then a power cut keeps them too). SQLite has one writer at a time, so the store keeps one
 * writer connection; a write transaction takes the write lock when it begins ({@code BEGIN IMMEDIATE}),
 * which makes two processes on one file wait for each other instead of failing on a stale snapshot.
 * Transactions are begun explicitly (the JDBC connection stays in auto-commit mode), so no lock is
 * held between transactions.
 */
final class SqliteDialect implements Dialect {
    private static final int READERS = 4;
    private static final int BUSY_TIMEOUT_MS = 10_000;
    private final Path file;

    SqliteDialect(Path file) {
        this.file = file.toAbsolutePath();
    }

    Path file() {
        return file;
    }

    @Override
    public String describe() {
        return "SQLite database " + file;
    }

    @Override
    public Connection connect(boolean reader) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            if (!reader) {
                s.execute("PRAGMA journal_mode=WAL"); // kept in the file: set once by the writer, seen by every reader
            }
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA foreign_keys=OFF");
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
            if (reader) {
                s.execute("PRAGMA query_only=1");
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    @Override
    public int writers() {
        return 1;
    }

    @Override
    public int readers() {
        return READERS;
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void begin(Connection c, boolean write) throws SQLException {
        exec(c, write ? "BEGIN IMMEDIATE" : "BEGIN");
    }

    @Override
    public void commit(Connection c) throws SQLException {
        exec(c, "COMMIT");
    }

    @Override
    public void rollback(Connection c) throws SQLException {
        exec(c, "ROLLBACK");
    }

    /**
     * One small write transaction committed with {@code synchronous=FULL}: its commit syncs the
     * write-ahead log, which holds every commit before it (the log is one file, synced as a whole;
     * what a checkpoint moved into the database file was synced there first).
     */
    @Override
    public void barrier(Connection c) throws SQLException {
        exec(c, "PRAGMA synchronous=FULL");
        try {
            exec(c, "BEGIN IMMEDIATE");
            try {
                exec(c, "INSERT INTO meta(key, value) VALUES ('barrier', '1') ON CONFLICT(key)"
                        + " DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)");
                exec(c, "COMMIT");
            } catch (SQLException e) {
                try {
                    exec(c, "ROLLBACK");
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
        } finally {
            exec(c, "PRAGMA synchronous=NORMAL");
        }
    }

    @Override
    public String bigint() {
        return "INTEGER";
    }

    @Override
    public String integer() {
        return "INTEGER";
    }

    @Override
    public String bytes() {
        return "BLOB";
    }

    @Override
    public String text() {
        return "TEXT"; // SQLite's default collation compares bytes
    }

    @Override
    public String identity() {
        return "INTEGER PRIMARY KEY AUTOINCREMENT";
    }

    private static SQLiteErrorCode code(SQLException e) {
        return e instanceof SQLiteException se ? se.getResultCode() : null;
    }

    @Override
    public boolean retryable(SQLException e) {
        SQLiteErrorCode code = code(e);
        if (code == null) {
            return false;
        }
        int primary = code.code & 0xff;
        return primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
    }

    @Override
    public boolean duplicateKey(SQLException e) {
        SQLiteErrorCode code = code(e);
        return code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                || code == SQLiteErrorCode.SQLITE_CONSTRAINT_ROWID;
    }

    @Override
    public void backup(Connection c, Path target) throws SQLException {
        exec(c, "VACUUM INTO '" + target.toAbsolutePath().toString().replace("'", "''") + "'");
    }
}
