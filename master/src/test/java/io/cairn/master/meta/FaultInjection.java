package io.cairn.master.meta;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real SQLite (or PostgreSQL) stores whose connections fail where a test says: the dialect and the
 * connections are the engine's own, wrapped so that a chosen statement or commit throws the error the engine would.
 * Everything above (the store's retries, the namespace, membership) is the code under test.
 */
public final class FaultInjection {
    /** Where a fault can strike: before a statement is prepared, or at commit. */
    public enum Point { PREPARE, COMMIT }

    /** An injected failure; {@code loseConnection} also leaves the connection dead, as a dropped socket would. */
    public record Failure(SQLException error, boolean loseConnection) {
    }

    /** Decides at each point whether it fails (null: carry on); may act on the real connection first. */
    @FunctionalInterface
    public interface Fault {
        Failure at(Point point, String sql, Connection real) throws SQLException;
    }

    private static final Fault NONE = (p, sql, c) -> null;
    private volatile Fault fault = NONE;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();
    /** PostgreSQL: the server processes of connections thrown away as broken, and how often one came back. */
    private final java.util.Set<Integer> deadBackends = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicInteger deadReused = new AtomicInteger();
    /** Each wrapped connection's "lost" flag. */
    private final Map<Connection, boolean[]> lostFlags = Collections.synchronizedMap(new IdentityHashMap<>());

    public static Failure busy() {
        return new Failure(new SQLiteException("[SQLITE_BUSY] injected: the database file is locked",
                SQLiteErrorCode.SQLITE_BUSY), false);
    }

    public static Failure ioError() {
        return new Failure(new SQLiteException("[SQLITE_IOERR] injected: disk I/O error", SQLiteErrorCode.SQLITE_IOERR), false);
    }

    public static Failure lostConnection() {
        return new Failure(new SQLException("injected: connection lost", "08006"), true);
    }

    /** From now on, faults come from {@code f}. */
    public void set(Fault f) {
        fault = f == null ? NONE : f;
    }

    /** The next {@code point} (of a statement starting with {@code sqlPrefix}, if given) fails once. */
    public void once(Point point, String sqlPrefix, Failure failure) {
        AtomicInteger left = new AtomicInteger(1);
        set((p, sql, c) -> p == point && (sqlPrefix == null || (sql != null && sql.startsWith(sqlPrefix)))
                && left.getAndDecrement() > 0 ? failure : null);
    }

    /** Connections the store has opened so far. */
    public int connectionsOpened() {
        return connections.get();
    }

    /** PostgreSQL: connections thrown away as broken so far. */
    public int connectionsDiscarded() {
        return deadBackends.size();
    }

    /** PostgreSQL: how often a connection thrown away was handed out again (never, if the pool is used right). */
    public int discardedConnectionsReused() {
        return deadReused.get();
    }

    private static int backend(Connection c) throws SQLException {
        return c.unwrap(org.postgresql.PGConnection.class).getBackendPID();
    }

    /** Failures injected so far. */
    public int injected() {
        return injected.get();
    }

    public JdbcMetadataStore open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return JdbcMetadataStore.open(new Faulty(new SqliteDialect(file)), Schema.CURRENT);
    }

    /**
     * A real PostgreSQL store with the same faults: an injected SQLite error becomes the one
     * PostgreSQL would give (busy: a serialization failure, 40001; an I/O error: 58030).
     */
    public JdbcMetadataStore open(PostgresDialect.Settings db) throws IOException {
        return JdbcMetadataStore.open(new Faulty(new PostgresDialect(db)), Schema.CURRENT);
    }

    /** The store's engine's own words for an injected failure. */
    private static SQLException translate(SQLException e, Dialect d) {
        if (!(d instanceof PostgresDialect) || !(e instanceof SQLiteException se)) {
            return e;
        }
        String state = se.getResultCode() == SQLiteErrorCode.SQLITE_BUSY ? "40001" : "58030";
        return new SQLException(e.getMessage(), state);
    }

    private SQLException check(Dialect d, Point p, String sql, Connection real, boolean[] lost) throws SQLException {
        if (lost[0]) {
            return new SQLException("injected: connection is gone", "08003");
        }
        Failure f = fault.at(p, sql, real);
        if (f == null) {
            return null;
        }
        injected.incrementAndGet();
        if (f.loseConnection()) {
            lost[0] = true;
        }
        return translate(f.error(), d);
    }

    private Connection wrap(Dialect d, Connection real) {
        boolean[] lost = {false};
        InvocationHandler h = (proxy, m, args) -> {
            switch (m.getName()) {
                case "unwrap":
                    return real;
                case "isValid":
                    return !lost[0] && real.isValid((Integer) args[0]);
                case "close":
                    lostFlags.remove(proxy);
                    real.close();
                    return null;
                case "prepareStatement":
                case "createStatement": {
                    SQLException e = check(d, Point.PREPARE, args == null || args.length == 0 ? null : (String) args[0], real, lost);
                    if (e != null) {
                        throw e;
                    }
                    break;
                }
                default:
                    break;
            }
            try {
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        Connection proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, h);
        lostFlags.put(proxy, lost);
        return proxy;
    }

    /** A real dialect with its connections wrapped and its commits checked. */
    private final class Faulty implements Dialect {
        private final Dialect real;

        Faulty(Dialect real) {
            this.real = real;
        }

        @Override
        public String describe() {
            return real.describe();
        }

        @Override
        public Connection connect(boolean reader) throws SQLException {
            connections.incrementAndGet();
            Connection c = real.connect(reader);
            if (real.pooled() && deadBackends.contains(backend(c))) {
                deadReused.incrementAndGet();
            }
            return wrap(real, c);
        }

        @Override
        public boolean pooled() {
            return real.pooled();
        }

        @Override
        public void release(Connection c, boolean broken) throws SQLException {
            lostFlags.remove(c);
            Connection inner = c.unwrap(Connection.class);
            if (broken) {
                deadBackends.add(backend(inner));
            }
            real.release(inner, broken);
        }

        @Override
        public int attempts() {
            return real.attempts();
        }

        @Override
        public void begin(Connection c, boolean write, int failures) throws SQLException {
            real.begin(c, write, failures);
        }

        @Override
        public void beginSchema(Connection c) throws SQLException {
            real.beginSchema(c);
        }

        @Override
        public void check(Connection c) throws SQLException, IOException {
            real.check(c);
        }

        @Override
        public void continueIdentity(Connection c, String table) throws SQLException {
            real.continueIdentity(c, table);
        }

        @Override
        public void close() {
            real.close();
        }

        @Override
        public int writers() {
            return real.writers();
        }

        @Override
        public int readers() {
            return real.readers();
        }

        @Override
        public void begin(Connection c, boolean write) throws SQLException {
            real.begin(c, write);
        }

        @Override
        public void commit(Connection c) throws SQLException {
            SQLException e = FaultInjection.this.check(real, Point.COMMIT, null, c.unwrap(Connection.class), lostFlags.get(c));
            if (e != null) {
                throw e; // the transaction stays open, as after a busy commit; the store rolls it back
            }
            real.commit(c);
        }

        @Override
        public void rollback(Connection c) throws SQLException {
            real.rollback(c);
        }

        @Override
        public String bigint() {
            return real.bigint();
        }

        @Override
        public String integer() {
            return real.integer();
        }

        @Override
        public String text() {
            return real.text();
        }

        @Override
        public String bytes() {
            return real.bytes();
        }

        @Override
        public String identity() {
            return real.identity();
        }

        @Override
        public boolean retryable(SQLException e) {
            return real.retryable(e);
        }

        @Override
        public boolean duplicateKey(SQLException e) {
            return real.duplicateKey(e);
        }

        @Override
        public void backup(Connection c, Path target) throws SQLException, IOException {
            real.backup(c, target);
        }
    }
}
