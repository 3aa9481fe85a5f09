package io.cairn.master.meta;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL, through a HikariCP pool. Write transactions run SERIALIZABLE: two masters (or two
 * threads of one) may run any operations at once, and PostgreSQL aborts one of two that would
 * together break an invariant (SQLSTATE 40001), or one of a deadlocked pair (40P01); the store runs
 * the loser again. A transaction that lost {@link #ALONE_AFTER} times runs alone: every write
 * transaction holds the advisory lock {@link #WRITE_LOCK} shared, and the one that keeps losing takes
 * it exclusively (then READ COMMITTED is enough: no other writer runs, and every statement sees all
 * that was committed before it), so contention on one directory cannot exhaust the attempts. Reads
 * run REPEATABLE READ READ ONLY: one snapshot, never waiting for a writer. Names and ids compare byte by byte ({@code COLLATE "C"} on a UTF-8
 * database), as on SQLite, so paged listings agree. Schema work runs READ COMMITTED under a
 * transaction-scoped advisory lock, so two masters starting at once migrate one after the other and
 * the second sees the first's tables. Commits wait for the WAL flush ({@code synchronous_commit}
 * must not be {@code off}; the store refuses to open otherwise).
 *
 * <p>Each store opens at most {@link Settings#writers} + {@link Settings#readers} connections
 * (12 by default): size PostgreSQL's {@code max_connections} for that many per master, plus
 * what other clients need.
 */
public final class PostgresDialect implements Dialect {
    /** Attempts at one transaction: serialization failures are normal under contention and cheap to run again. */
    static final int ATTEMPTS = 20;
    /**
     * The key of the advisory lock every write transaction holds shared, and a transaction that must
     * run alone (one that lost {@link #ALONE_AFTER} times, or schema work) exclusively (the bytes of "cairnmet").
     */
    static final long WRITE_LOCK = 0x636169726e6d6574L;
    /** Retryable failures after which a transaction runs alone. */
    static final int ALONE_AFTER = 1;
    private static final long CONNECT_TIMEOUT_MS = 5_000;

    /**
     * Where the database is and how to log in.
     *
     * @param jdbcUrl  {@code jdbc:postgresql://host:port/db}, with any driver options
     * @param user     the role to log in as
     * @param password the role's password, or null to let the driver look in {@code PGPASSFILE} or {@code ~/.pgpass}
     * @param where    what messages call the database (no password)
     */
    public record Settings(String jdbcUrl, String user, String password, String where, int writers, int readers) {
        public static final int WRITERS = 8;
        public static final int READERS = 4;

        public Settings {
            if (writers < 1 || readers < 1) {
                throw new IllegalArgumentException("at least one writer and one reader connection");
            }
        }

        @Override
        public String toString() {
            return where; // never the password
        }
    }

    private final Settings settings;
    private final HikariDataSource pool;

    PostgresDialect(Settings settings) {
        this.settings = settings;
        HikariConfig h = new HikariConfig();
        h.setPoolName("cairn-meta");
        h.setJdbcUrl(settings.jdbcUrl());
        h.setUsername(settings.user());
        if (settings.password() != null) {
            h.setPassword(settings.password());
        }
        h.setMaximumPoolSize(settings.writers() + settings.readers());
        h.setMinimumIdle(Math.min(2, settings.writers() + settings.readers()));
        h.setConnectionTimeout(CONNECT_TIMEOUT_MS); // a database that is down answers EIO after this, not never
        h.setValidationTimeout(2_000);
        h.setKeepaliveTime(60_000);
        h.setInitializationFailTimeout(-1); // the first transaction reports an unreachable database
        h.setAutoCommit(true); // transactions are begun explicitly; no lock is held between them
        h.addDataSourceProperty("ApplicationName", "cairn-master");
        h.addDataSourceProperty("connectTimeout", "5");
        h.addDataSourceProperty("socketTimeout", "60"); // a server that vanished mid-query: the statement fails
        h.addDataSourceProperty("tcpKeepAlive", "true");
        this.pool = new HikariDataSource(h);
    }

    @Override
    public String describe() {
        return "PostgreSQL database " + settings.where();
    }

    @Override
    public Connection connect(boolean reader) throws SQLException {
        return pool.getConnection();
    }

    @Override
    public boolean pooled() {
        return true;
    }

    @Override
    public void release(Connection c, boolean broken) throws SQLException {
        if (broken) {
            pool.evictConnection(c);
        } else {
            c.close();
        }
    }

    @Override
    public int writers() {
        return settings.writers();
    }

    @Override
    public int readers() {
        return settings.readers();
    }

    @Override
    public int attempts() {
        return ATTEMPTS;
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public void begin(Connection c, boolean write) throws SQLException {
        begin(c, write, 0);
    }

    @Override
    public void begin(Connection c, boolean write, int failures) throws SQLException {
        if (!write) {
            exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        } else if (failures < ALONE_AFTER) {
            exec(c, "BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT pg_advisory_xact_lock_shared(" + WRITE_LOCK + ")");
        } else {
            beginAlone(c);
        }
    }

    /**
     * A write transaction no other writer runs beside: READ COMMITTED, so that every statement after
     * the lock sees what the writers before it committed (a SERIALIZABLE snapshot would be taken
     * while waiting for the lock, and be stale).
     */
    private static void beginAlone(Connection c) throws SQLException {
        exec(c, "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" + WRITE_LOCK + ")");
    }

    @Override
    public void beginSchema(Connection c) throws SQLException {
        beginAlone(c); // two masters starting at once migrate one after the other; the second sees the tables
    }

    @Override
    public void check(Connection c) throws SQLException, java.io.IOException {
        String sync = show(c, "synchronous_commit");
        if ("off".equalsIgnoreCase(sync)) {
            throw new CairnException(ErrorCode.EINVAL, describe() + " has synchronous_commit = off: an acknowledged"
                    + " change could be lost in a crash; turn it on (ALTER DATABASE ... SET synchronous_commit = on)");
        }
        String encoding = show(c, "server_encoding");
        if (!"UTF8".equalsIgnoreCase(encoding)) {
            throw new CairnException(ErrorCode.EINVAL, describe() + " is encoded in " + encoding
                    + "; Cairn needs a UTF8 database (CREATE DATABASE ... ENCODING 'UTF8')");
        }
    }

    @Override
    public void commit(Connection c) throws SQLException {
        exec(c, "COMMIT");
    }

    @Override
    public void rollback(Connection c) throws SQLException {
        exec(c, "ROLLBACK");
    }

    @Override
    public String bigint() {
        return "BIGINT";
    }

    @Override
    public String integer() {
        return "INTEGER";
    }

    @Override
    public String bytes() {
        return "BYTEA";
    }

    @Override
    public String text() {
        return "TEXT COLLATE \"C\"";
    }

    @Override
    public String identity() {
        // BY DEFAULT: a copy from another store keeps its ids (then continueIdentity moves the sequence past them)
        return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    }

    @Override
    public void continueIdentity(Connection c, String table) throws SQLException {
        moveIdentity(c, table);
    }

    /** Makes {@code table}'s generated ids continue past its largest id. */
    static void moveIdentity(Connection c, String table) throws SQLException {
        exec(c, "SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM "
                + table + "), false)");
    }

    @Override
    public boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    @Override
    public boolean duplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    @Override
    public void backup(Connection c, Path target) throws CairnException {
        throw new CairnException(ErrorCode.EINVAL, "the metadata is in " + describe() + ": back it up with PostgreSQL's"
                + " own tools: pg_dump --format=custom for a copy, or pg_basebackup with WAL archiving for"
                + " point-in-time recovery (a managed database's snapshots do the same)");
    }

    @Override
    public void close() {
        pool.close();
    }
}
