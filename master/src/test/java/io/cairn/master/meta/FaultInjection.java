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
 * Real SQLite stores whose connections fail where a test says: the dialect and the connections are
 * SQLite's own, wrapped so that a chosen statement or commit throws the error the engine would.
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

    /** Failures injected so far. */
    public int injected() {
        return injected.get();
    }

    public JdbcMetadataStore open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return JdbcMetadataStore.open(new Faulty(new SqliteDialect(file)), Schema.CURRENT);
    }

    private SQLException check(Point p, String sql, Connection real, boolean[] lost) throws SQLException {
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
        return f.error();
    }

    private Connection wrap(Connection real) {
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
                    SQLException e = check(Point.PREPARE, args == null || args.length == 0 ? null : (String) args[0], real, lost);
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

    /** SQLite's dialect with its connections wrapped and its commits checked. */
    private final class Faulty implements Dialect {
        private final SqliteDialect real;

        Faulty(SqliteDialect real) {
            this.real = real;
        }

        @Override
        public String describe() {
            return real.describe();
        }

        @Override
        public Connection connect(boolean reader) throws SQLException {
            connections.incrementAndGet();
            return wrap(real.connect(reader));
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
            SQLException e = check(Point.COMMIT, null, c.unwrap(Connection.class), lostFlags.get(c));
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
        public void backup(Connection c, Path target) throws SQLException {
            real.backup(c, target);
        }
    }
}
