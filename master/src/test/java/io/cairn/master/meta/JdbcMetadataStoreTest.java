package io.cairn.master.meta;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.cairn.testing.TestPostgres;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store's contract on a real SQLite file (and, in {@link PostgresMetadataStoreTest}, on a real
 * PostgreSQL database): retries, duplicate keys, reads beside writes.
 */
@Timeout(60)
class JdbcMetadataStoreTest {
    /** The engine under test: SQLite here, PostgreSQL in the subclass. */
    TestStores.Engine engine() {
        return TestStores.Engine.SQLITE;
    }

    TestStores.Engine engine;
    @TempDir
    Path dir;
    FaultInjection faults = new FaultInjection();
    JdbcMetadataStore store;
    TestPostgres.Database db;

    @BeforeEach
    void open() throws Exception {
        engine = engine();
        if (engine == TestStores.Engine.POSTGRESQL) {
            db = TestPostgres.server().freshDatabase();
            store = faults.open(TestStores.settings(db));
        } else {
            store = faults.open(dir.resolve("meta.db"));
        }
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private boolean postgres() {
        return engine == TestStores.Engine.POSTGRESQL;
    }

    /** Adds one to a counter row: applied twice, it would say 2. */
    private int increment(AtomicInteger runs) throws Exception {
        return store.write(tx -> {
            runs.incrementAndGet();
            String v = tx.meta("counter");
            int next = (v == null ? 0 : Integer.parseInt(v)) + 1;
            tx.setMeta("counter", Integer.toString(next));
            return next;
        });
    }

    private String counter() throws Exception {
        return store.read(tx -> tx.meta("counter"));
    }

    private static void expect(ErrorCode code, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(code));
    }

    @Test
    void aTransactionWhoseCommitFindsTheDatabaseBusyRunsAgainAndIsAppliedOnce() throws Exception {
        faults.once(FaultInjection.Point.COMMIT, null, FaultInjection.busy());
        AtomicInteger runs = new AtomicInteger();
        assertThat(increment(runs)).isEqualTo(1);
        assertThat(runs).hasValue(2);
        assertThat(faults.injected()).isEqualTo(1);
        assertThat(counter()).isEqualTo("1");
    }

    @Test
    void aBusyStatementInsideTheBodyRollsBackWhatTheBodyDidAndRunsItAgain() throws Exception {
        faults.once(FaultInjection.Point.PREPARE, "INSERT INTO meta", FaultInjection.busy());
        AtomicInteger runs = new AtomicInteger();
        store.write(tx -> {
            runs.incrementAndGet();
            tx.upsertNode("n1", "http://127.0.0.1:6001"); // done before the failure: must not survive it twice
            tx.setMeta("k", "v");
            return null;
        });
        assertThat(runs).hasValue(2);
        assertThat(store.read(MetaTx::nodes)).hasSize(1);
        assertThat(store.<String>read(tx -> tx.meta("k"))).isEqualTo("v");
    }

    @Test
    void aBodyThatSwallowsAFailedStatementIsStillRolledBackAndRunAgain() throws Exception {
        faults.once(FaultInjection.Point.PREPARE, "INSERT INTO meta", FaultInjection.busy());
        AtomicInteger runs = new AtomicInteger();
        store.write(tx -> {
            runs.incrementAndGet();
            try {
                tx.setMeta("k", "v");
            } catch (CairnException ignored) {
                // a careless body: the store still knows the transaction failed
            }
            return null;
        });
        assertThat(runs).hasValue(2);
        assertThat(store.<String>read(tx -> tx.meta("k"))).isEqualTo("v");
    }

    @Test
    void aLostConnectionIsReplacedAndTheBodyRunOnAFreshOne() throws Exception {
        store.read(tx -> tx.meta("warm")); // the writer and one reader are open now
        int before = faults.connectionsOpened();
        faults.once(FaultInjection.Point.PREPARE, "SELECT value FROM meta", FaultInjection.lostConnection());
        AtomicInteger runs = new AtomicInteger();
        assertThat(increment(runs)).isEqualTo(1);
        assertThat(runs).hasValue(2);
        if (postgres()) { // connections come from the pool for every transaction: the dead one left it
            assertThat(faults.connectionsDiscarded()).as("the dead connection was thrown away").isEqualTo(1);
            assertThat(counter()).isEqualTo("1");
            assertThat(faults.discardedConnectionsReused()).as("and never handed out again").isZero();
        } else {
            assertThat(faults.connectionsOpened()).as("the dead connection was replaced").isEqualTo(before + 1);
            assertThat(counter()).isEqualTo("1");
        }
    }

    @Test
    void aConnectionLostWhileCommittingIsNotRunAgainBecauseTheChangeMayHaveBeenMade() throws Exception {
        faults.set((point, sql, c) -> point == FaultInjection.Point.COMMIT ? FaultInjection.lostConnection() : null);
        AtomicInteger runs = new AtomicInteger();
        expect(ErrorCode.EIO, () -> increment(runs));
        assertThat(runs).hasValue(1);
    }

    @Test
    void aFailureThatKeepsComingBackEndsInEioAfterABoundedNumberOfAttempts() throws Exception {
        faults.set((point, sql, c) -> point == FaultInjection.Point.COMMIT ? FaultInjection.busy() : null);
        AtomicInteger runs = new AtomicInteger();
        long t0 = System.nanoTime();
        expect(ErrorCode.EIO, () -> increment(runs));
        assertThat(runs).hasValue(postgres() ? PostgresDialect.ATTEMPTS : JdbcMetadataStore.MAX_ATTEMPTS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("backs off, but not for long").isLessThan(5_000);
        faults.set(null);
        assertThat(counter()).isNull();
    }

    @Test
    void aFailureThatIsNotRetryableIsEioAtOnceAndLeavesNothingBehind() throws Exception {
        faults.once(FaultInjection.Point.COMMIT, null, FaultInjection.ioError());
        AtomicInteger runs = new AtomicInteger();
        expect(ErrorCode.EIO, () -> increment(runs));
        assertThat(runs).hasValue(1);
        assertThat(counter()).isNull();
    }

    @Test
    void aDuplicateKeyRunsTheBodyOnceMoreAndThenIsEexistNeverEio() throws Exception {
        store.write(tx -> {
            tx.insertEntry(1, "taken", 7);
            return null;
        });
        AtomicInteger runs = new AtomicInteger();
        expect(ErrorCode.EEXIST, () -> store.write(tx -> {
            runs.incrementAndGet();
            tx.insertEntry(1, "taken", 8); // a body that does not look first
            return null;
        }));
        assertThat(runs).as("once more, to let a body that looks answer for itself").hasValue(2);
        assertThat(store.<Long>read(tx -> tx.lookup(1, "taken"))).isEqualTo(7L);
    }

    @Test
    void aDuplicateKeyThatIsGoneOnTheSecondRunIsNoError() throws Exception {
        store.write(tx -> {
            tx.insertEntry(1, "taken", 7);
            return null;
        });
        AtomicInteger runs = new AtomicInteger();
        store.write(tx -> {
            if (runs.incrementAndGet() > 1 && tx.lookup(1, "taken") != null) {
                return null; // the second run sees the row and answers from it
            }
            tx.insertEntry(1, "taken", 8);
            return null;
        });
        assertThat(runs).hasValue(2);
    }

    /** Waits inside a transaction body for the test to let it go. */
    private static void await(CountDownLatch latch) throws java.io.IOException {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new java.io.IOException("never released");
            }
        } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
        }
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws Exception;
    }

    /** Runs {@code step} on another thread and waits for it at most 5 s: a step that queues fails. */
    private static <T> T within5s(Step<T> step) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return step.run();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }).get(5, TimeUnit.SECONDS);
    }

    /** Runs {@code step} while another thread holds a write transaction open that sets k to "new". */
    private <T> T whileAWriteIsOpen(Step<T> step) throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                store.write(tx -> {
                    tx.setMeta("k", "new");
                    inside.countDown();
                    await(release);
                    return null;
                });
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        T result;
        try {
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            result = within5s(step);
        } finally {
            release.countDown();
        }
        writer.get(10, TimeUnit.SECONDS);
        return result;
    }

    @Test
    void aReadCompletesWhileAWriteTransactionIsHeldOpenOnAnotherThread() throws Exception {
        store.write(tx -> {
            tx.setMeta("k", "old");
            return null;
        });
        String seen = whileAWriteIsOpen(() -> store.<String>read(tx -> tx.meta("k")));
        assertThat(seen).as("the last committed value, not the open transaction's").isEqualTo("old");
        assertThat(store.<String>read(tx -> tx.meta("k"))).isEqualTo("new");
    }

    @Test
    void aReadCompletesWhileAnotherReadIsHeldOpen() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Long> scan = CompletableFuture.supplyAsync(() -> {
            try {
                return store.read(tx -> {
                    long n = tx.countChunks();
                    inside.countDown();
                    await(release);
                    return n;
                });
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        try {
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(within5s(() -> store.<Long>read(tx -> tx.countInodes(io.cairn.common.wire.FileType.DIR)))).isZero();
        } finally {
            release.countDown();
        }
        assertThat(scan.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aReadThatTriesToChangeSomethingFailsAndChangesNothing() throws Exception {
        expect(ErrorCode.EIO, () -> store.read(tx -> {
            tx.setMeta("k", "v");
            return null;
        }));
        assertThat(store.<String>read(tx -> tx.meta("k"))).isNull();
    }

    @Test
    void aBackupIsTakenWhileAWriteTransactionIsOpenAndHoldsOnlyWhatWasCommitted() throws Exception {
        if (postgres()) {
            expect(ErrorCode.EINVAL, () -> store.backup(dir.resolve("backup.db")));
            assertThatThrownBy(() -> store.backup(dir.resolve("backup.db"))).hasMessageContaining("pg_dump")
                    .hasMessageContaining("pg_basebackup");
            return; // PostgreSQL's own tools make its copies
        }
        store.write(tx -> {
            tx.setMeta("k", "committed");
            return null;
        });
        Path copy = dir.resolve("backup.db");
        whileAWriteIsOpen(() -> {
            store.backup(copy);
            return null;
        });
        try (JdbcMetadataStore b = JdbcMetadataStore.sqlite(copy)) {
            assertThat(b.<String>read(tx -> tx.meta("k"))).isEqualTo("committed");
        }
    }
}
