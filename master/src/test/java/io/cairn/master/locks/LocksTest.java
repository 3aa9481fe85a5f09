package io.cairn.master.locks;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Limits;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.events.Events;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.TestStores;
import io.cairn.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Locks kept in the metadata store: conflicts between sessions, waits that wake when a lock goes,
 * sessions that lapse and release their locks, the grace a restarted master gives, and the bound on
 * locks per session; on SQLite here, on PostgreSQL in {@link PostgresLocksTest}.
 */
@Timeout(60)
class LocksTest {
    static final Duration TTL = Duration.ofSeconds(10);
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock();
    TestStores.Opened opened;
    JdbcMetadataStore store;
    Locks locks;
    Events events;

    TestStores.Engine engine() {
        return TestStores.Engine.SQLITE;
    }

    @BeforeEach
    void open() throws Exception {
        opened = TestStores.open(engine(), dir);
        store = opened.store();
        events = new Events(store, clock);
        locks = new Locks(store, clock, TTL, inode -> null, events);
    }

    @AfterEach
    void close() {
        if (opened != null) {
            opened.close();
        }
    }

    String session(String name) throws Exception {
        return locks.open(new Requests.OpenSession(name)).session();
    }

    static Requests.Lock lock(String session, String type, long start, long end, int waitMs) {
        return new Requests.Lock(session, 42, "posix", 1, type, start, end, 77, waitMs);
    }

    @Test
    void aWriteLockOfOneSessionKeepsAnotherOutOfItsRangeOnlyAndGetlkNamesIt() throws Exception {
        String a = session("host-a:/mnt");
        String b = session("host-b:/mnt");
        assertThat(locks.lock(lock(a, "write", 100, 199, 0)).granted()).isTrue();
        Replies.Locked refused = locks.lock(lock(b, "read", 150, 150, 0));
        assertThat(refused.granted()).isFalse();
        assertThat(refused.holder()).isEqualTo(new Replies.LockHolder("write", 100, 199, 77, false));
        assertThat(locks.test(lock(b, "write", 0, 99, 0)).granted()).isTrue();
        assertThat(locks.test(lock(a, "write", 150, 150, 0)).granted()).as("its own lock is no conflict").isTrue();
        assertThat(locks.lock(lock(b, "write", 200, Long.MAX_VALUE, 0)).granted()).isTrue();
        assertThat(locks.lock(new Requests.Lock(b, 42, "flock", 1, "write", 0, Long.MAX_VALUE, 77, 0)).granted())
                .as("flock locks are apart from record locks").isTrue();
        assertThat(locks.lock(lock(a, "unlock", 0, Long.MAX_VALUE, 0)).granted()).isTrue();
        assertThat(locks.lock(lock(b, "write", 150, 150, 0)).granted()).isTrue();
    }

    @Test
    void aWaiterIsGrantedAsSoonAsTheHolderUnlocksNotAtTheEndOfItsWait() throws Exception {
        String a = session("a");
        String b = session("b");
        assertThat(locks.lock(lock(a, "write", 0, Long.MAX_VALUE, 0)).granted()).isTrue();
        CompletableFuture<Replies.Locked> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return locks.lock(lock(b, "write", 0, 10, 5000));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300);
        assertThat(waiter).as("it waits while the lock is held").isNotDone();
        long t0 = System.nanoTime();
        locks.lock(lock(a, "unlock", 0, Long.MAX_VALUE, 0));
        assertThat(waiter.get(4, TimeUnit.SECONDS).granted()).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("woken, not timed out").isLessThan(2000);
        Replies.Locked timedOut = locks.lock(lock(a, "write", 5, 5, 300));
        assertThat(timedOut.granted()).as("a wait that ends without a grant says who holds it").isFalse();
        assertThat(timedOut.holder().type()).isEqualTo("write");
    }

    @Test
    void aSessionNotRenewedLapsesItsLocksGoAndItsRenewalIsRefused() throws Exception {
        String a = session("a");
        String b = session("b");
        assertThat(locks.lock(lock(a, "write", 0, Long.MAX_VALUE, 0)).granted()).isTrue();
        clock.advance(TTL.dividedBy(2));
        locks.renew(new Requests.SessionRef(b));
        clock.advance(TTL.dividedBy(2).plusMillis(1));
        assertThat(locks.lock(lock(b, "write", 0, 0, 0)).granted())
                .as("a lapsed session's lock stands in no one's way, even before the sweep").isTrue();
        locks.lock(lock(b, "unlock", 0, Long.MAX_VALUE, 0));
        assertThat(locks.sweep()).isEqualTo(1);
        assertThat(store.<Long>read(tx -> tx.countLocks(a))).isZero();
        assertThat(events.recent(10)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("session.expired");
            assertThat(e.message()).contains("1 lock(s) were released");
        });
        assertThatThrownBy(() -> locks.renew(new Requests.SessionRef(a)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ESTALE));
        assertThatThrownBy(() -> locks.lock(lock(a, "write", 0, 0, 0)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ESTALE));
        assertThat(locks.sessions()).isEqualTo(1);
    }

    @Test
    void aRestartedMasterGivesEverySessionAFullLifetimeToRenewIn() throws Exception {
        String a = session("a");
        locks.lock(lock(a, "write", 0, Long.MAX_VALUE, 0));
        clock.advance(TTL.minusSeconds(1));
        Locks restarted = new Locks(store, clock, TTL, inode -> null, new Events(store, clock));
        restarted.grace();
        clock.advance(TTL.minusSeconds(1));
        assertThat(restarted.sweep()).isZero();
        String b = session("b");
        assertThat(restarted.lock(lock(b, "read", 0, 0, 0)).granted()).as("the lock still holds").isFalse();
        restarted.renew(new Requests.SessionRef(a));
    }

    @Test
    void closingASessionReleasesItsLocks() throws Exception {
        String a = session("a");
        String b = session("b");
        locks.lock(lock(a, "write", 0, Long.MAX_VALUE, 0));
        locks.close(new Requests.SessionRef(a));
        assertThat(locks.lock(lock(b, "write", 0, Long.MAX_VALUE, 0)).granted()).isTrue();
    }

    @Test
    void oneSessionHoldsAtMostItsShareOfLocksAndBadInputIsRefused() throws Exception {
        String a = session("a");
        assertThat(locks.lock(lock(a, "read", 0, 0, 0)).granted()).isTrue();
        store.write(tx -> { // the rest in one transaction: as many as the lock calls would leave
            for (int i = 1; i < Limits.LOCKS_PER_SESSION; i++) {
                tx.insertLock(new io.cairn.master.meta.LockRow(42, io.cairn.master.meta.LockRow.POSIX, a, 1,
                        io.cairn.master.meta.LockRow.READ, 2L * i, 2L * i, 77));
            }
            return null;
        });
        assertThatThrownBy(() -> locks.lock(lock(a, "read", 2L * Limits.LOCKS_PER_SESSION, 2L * Limits.LOCKS_PER_SESSION, 0)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENOLCK));
        assertThat(locks.lock(lock(a, "read", 1, 1, 0)).granted()).as("a lock that merges adds no row").isTrue();
        assertThatThrownBy(() -> locks.open(new Requests.OpenSession("bad\nname")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL));
        assertThatThrownBy(() -> locks.lock(lock("../etc", "write", 0, 0, 0))).isInstanceOf(CairnException.class);
        assertThatThrownBy(() -> locks.lock(lock(a, "write", 10, 5, 0))).isInstanceOf(CairnException.class);
        assertThatThrownBy(() -> locks.lock(new Requests.Lock(a, 42, "posix", 1, "steal", 0, 0, 1, 0)))
                .isInstanceOf(CairnException.class);
        assertThatThrownBy(() -> locks.lock(lock(a, "write", 0, 0, Limits.LOCK_WAIT_MAX_MS + 1)))
                .isInstanceOf(CairnException.class);
    }
}
