package io.cairn.master.meta;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The metadata store over JDBC, keeping the {@link MetadataStore} contract for any {@link Dialect}:
 * writer connections (SQLite: one) and a few read-only connections beside them; each call is one
 * transaction, run again after a retryable failure and once more after a duplicate key. Nothing of
 * the namespace is kept here between transactions, so several stores (several masters) may share
 * one database whose engine allows it (PostgreSQL).
 */
public final class JdbcMetadataStore implements MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcMetadataStore.class);
    private static final Observer UNOBSERVED = new Observer() {
        @Override
        public void transaction(boolean write, long nanos, boolean ok) {
        }

        @Override
        public void retry(boolean write) {
        }
    };
    /** Attempts at one transaction before a retryable failure becomes EIO (unless the dialect says otherwise). */
    static final int MAX_ATTEMPTS = 6;
    private static final long FIRST_PAUSE_MS = 5;
    private static final long MAX_PAUSE_MS = 250;
    private static final Duration CONNECTION_WAIT = Duration.ofSeconds(30);

    private final Dialect dialect;
    private final ConnectionPool writers;
    private final ConnectionPool readers;
    private volatile boolean closed;
    private volatile Observer observer = UNOBSERVED;
    /** Write transactions this store committed. */
    private final AtomicLong commits = new AtomicLong();
    /** Calls of {@link #barrier} so far: each one's number is its ticket. */
    private final AtomicLong barrierCalls = new AtomicLong();
    /** Held while a barrier syncs; the fields below are guarded by it. */
    private final ReentrantLock barrierLock = new ReentrantLock();
    /** Every barrier with a ticket up to this one is answered by a sync that began after it was called. */
    private long barriersCovered;
    /** {@link #commits} when the last sync began; -1 before the first, which also covers an earlier run's commits. */
    private long commitsSynced = -1;

    private JdbcMetadataStore(Dialect dialect) {
        this.dialect = dialect;
        this.writers = new ConnectionPool(dialect, false, dialect.writers(), CONNECTION_WAIT);
        this.readers = new ConnectionPool(dialect, true, dialect.readers(), CONNECTION_WAIT);
    }

    /** Opens (creating or upgrading) the SQLite database in {@code file}. */
    public static JdbcMetadataStore sqlite(Path file) throws IOException {
        return sqlite(file, Schema.CURRENT);
    }

    /** Opens the SQLite database migrated only up to {@code version}: for testing upgrades of older databases. */
    static JdbcMetadataStore sqlite(Path file, int version) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return open(new SqliteDialect(file), version);
    }

    /** Opens (creating or upgrading its tables) the PostgreSQL database {@code db}. */
    public static JdbcMetadataStore postgres(PostgresDialect.Settings db) throws IOException {
        return open(new PostgresDialect(db), Schema.CURRENT);
    }

    /** Opens the database of {@code dialect}, running the migrations up to {@code version} it has not run yet. */
    static JdbcMetadataStore open(Dialect dialect, int version) throws IOException {
        JdbcMetadataStore s = new JdbcMetadataStore(dialect);
        try {
            s.run(Kind.READ, (c, tx) -> {
                dialect.check(c);
                return null;
            });
            int had = s.run(Kind.SCHEMA, (c, tx) -> {
                int have = Schema.version(c);
                if (have > Schema.CURRENT) {
                    throw new CairnException(ErrorCode.EINVAL, dialect.describe() + " has schema version " + have
                            + ", newer than this master understands (" + Schema.CURRENT + ")");
                }
                if (have < version) {
                    Schema.migrate(c, dialect, have, version);
                }
                return have;
            });
            if (had > 0 && had < version) {
                LOG.info("upgraded the metadata schema of {} from version {} to {}", dialect.describe(), had, version);
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    static CairnException storeError(SQLException e) {
        return new CairnException(ErrorCode.EIO, "metadata store error: " + e.getMessage(), e);
    }

    @Override
    public <T> T write(TxBody<T> body) throws IOException {
        return run(Kind.WRITE, (c, tx) -> body.run(tx));
    }

    @Override
    public <T> T read(TxBody<T> body) throws IOException {
        return run(Kind.READ, (c, tx) -> body.run(tx));
    }

    /** The schema version of the open database. */
    public int schemaVersion() throws IOException {
        return run(Kind.READ, (c, tx) -> Schema.version(c));
    }

    @Override
    public void backup(Path target) throws IOException {
        if (closed) {
            throw new CairnException(ErrorCode.EIO, "metadata store is closed");
        }
        Files.deleteIfExists(target);
        try (Connection c = dialect.connect(false)) { // its own connection: writers and readers carry on
            dialect.backup(c, target);
        } catch (SQLException e) {
            throw new CairnException(ErrorCode.EIO, "backup to " + target + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * One sync for every barrier waiting meanwhile: a caller whose ticket a sync that began after its
     * call already covered returns at once; otherwise it syncs for itself and everyone who called before
     * it began. Waiting for the sync under way has the connection wait's deadline.
     */
    @Override
    public void barrier() throws IOException {
        long ticket = barrierCalls.incrementAndGet();
        try {
            if (!barrierLock.tryLock(CONNECTION_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new CairnException(ErrorCode.EIO, "metadata store busy: a barrier did not start within "
                        + CONNECTION_WAIT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.EIO, "interrupted while waiting for a metadata barrier");
        }
        try {
            if (barriersCovered >= ticket) {
                return;
            }
            long covers = barrierCalls.get(); // every caller so far committed what it waits for before calling
            long committed = commits.get();
            if (committed != commitsSynced) {
                Connection c = writers.take();
                boolean broken = true;
                try {
                    dialect.barrier(c);
                    broken = false;
                } catch (SQLException e) {
                    throw storeError(e);
                } finally {
                    writers.give(c, broken);
                }
            }
            barriersCovered = covers;
            commitsSynced = committed;
        } finally {
            barrierLock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        writers.close();
        readers.close();
        dialect.close();
    }

    /** Which engine and where, for messages. */
    public String describe() {
        return dialect.describe();
    }

    // ---- running transactions

    /** The work of one transaction: a body over {@code tx}, or schema work over the bare connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c, JdbcMetaTx tx) throws IOException, SQLException;
    }

    /** How one attempt ended: with a value, or with a failure that may be worth another attempt. */
    private record Attempt<T>(T value, SQLException failure, boolean retryable) {
        static <T> Attempt<T> done(T value) {
            return new Attempt<>(value, null, false);
        }
    }

    /** What a transaction may do: read a snapshot, write, or read and change the schema. */
    private enum Kind { READ, WRITE, SCHEMA }

    @Override
    public void observe(Observer observer) {
        this.observer = java.util.Objects.requireNonNull(observer, "observer");
    }

    private <T> T run(Kind kind, Work<T> work) throws IOException {
        long start = System.nanoTime();
        boolean ok = false;
        try {
            T value = runAttempts(kind, work);
            ok = true;
            return value;
        } catch (CairnException e) {
            ok = e.code() != ErrorCode.EIO; // an answer such as ENOENT is the body's, not a failure of the store
            throw e;
        } finally {
            observer.transaction(kind != Kind.READ, System.nanoTime() - start, ok);
        }
    }

    private <T> T runAttempts(Kind kind, Work<T> work) throws IOException {
        boolean write = kind != Kind.READ;
        boolean duplicateSeen = false;
        int failures = 0;
        while (true) {
            Attempt<T> a = attempt(kind, work, failures);
            SQLException e = a.failure();
            if (e == null) {
                return a.value();
            }
            if (write && dialect.duplicateKey(e)) {
                if (duplicateSeen) {
                    throw new CairnException(ErrorCode.EEXIST, "already exists (made at the same moment by another writer)", e);
                }
                duplicateSeen = true; // run once more: the fresh transaction sees the row that won
                continue;
            }
            if (!a.retryable()) {
                throw storeError(e);
            }
            failures++;
            if (failures >= dialect.attempts()) {
                throw new CairnException(ErrorCode.EIO, (lostConnection(e) ? "metadata store unavailable after "
                        : "metadata store error after ") + failures + " attempts: " + e.getMessage(), e);
            }
            LOG.debug("transaction attempt {} failed, running it again: {}", failures, e.toString());
            observer.retry(write);
            pause(failures);
        }
    }

    private <T> Attempt<T> attempt(Kind kind, Work<T> work, int failures) throws IOException {
        boolean write = kind != Kind.READ;
        ConnectionPool pool = write ? writers : readers;
        Connection c = pool.take();
        boolean broken = false;
        try {
            try {
                if (kind == Kind.SCHEMA) {
                    dialect.beginSchema(c);
                } else {
                    dialect.begin(c, write, failures);
                }
            } catch (SQLException e) {
                broken = !valid(c);
                return new Attempt<>(null, e, broken || dialect.retryable(e));
            }
            JdbcMetaTx tx = new JdbcMetaTx(c);
            T value = null;
            SQLException failure;
            try {
                value = work.run(c, tx);
                failure = tx.failure(); // a failed statement dooms the transaction even if the body went on
            } catch (SQLException e) {
                failure = e;
            } catch (IOException | RuntimeException e) {
                failure = tx.failure();
                if (failure == null) { // the body's own answer (ENOENT, EEXIST, ...): roll back and say it
                    broken = !rollback(c);
                    throw e;
                }
            }
            if (failure != null) {
                broken = !rollback(c) || !valid(c);
                return new Attempt<>(null, failure, broken || dialect.retryable(failure));
            }
            if (!write) {
                broken = !rollback(c);
                return Attempt.done(value);
            }
            try {
                dialect.commit(c);
                commits.incrementAndGet();
                return Attempt.done(value);
            } catch (SQLException e) {
                boolean lost = !valid(c);
                broken = lost || !rollback(c);
                if (lost) {
                    // the commit may have reached the database or not: running the body again could apply it twice
                    throw new CairnException(ErrorCode.EIO, "lost the connection to " + dialect.describe()
                            + " while committing; the change may or may not have been made", e);
                }
                return new Attempt<>(null, e, dialect.retryable(e));
            }
        } finally {
            pool.give(c, broken);
        }
    }

    /** Whether {@code e} says the connection or the server went away (SQLSTATE classes 08 and 57P). */
    private static boolean lostConnection(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    private boolean rollback(Connection c) {
        try {
            dialect.rollback(c);
            return true;
        } catch (SQLException e) {
            LOG.debug("rollback failed, the connection is replaced: {}", e.toString());
            return false;
        }
    }

    private static boolean valid(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void pause(int failures) throws CairnException {
        long ceiling = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS << Math.min(failures - 1, 16));
        long ms = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.EIO, "interrupted while waiting to run a metadata transaction again");
        }
    }
}
