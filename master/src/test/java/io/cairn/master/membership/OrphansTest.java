package io.cairn.master.membership;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Requests;
import io.cairn.master.meta.ChunkRow;
import io.cairn.master.meta.FaultInjection;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.meta.TestStores;
import io.cairn.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Chunks a datanode reports that no file uses are deleted once the orphan grace period has passed,
 * and only then; they are kept in the store, so a transaction rolled back or run again loses none,
 * and a restarted or second master on the same database still knows them.
 */
@Timeout(60)
class OrphansTest {
    private static final String N1 = "00000000-0000-0000-0000-000000000001";
    private static final String X = "0123456789abcdef0123456789abcdef";
    private static final Duration GRACE = Duration.ofHours(1);
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock();
    FaultInjection faults = new FaultInjection();
    MetadataStore store;
    Membership members;

    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-24T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private Membership membership(MetadataStore s) throws Exception {
        Membership m = new Membership(s, new NodeRegistry(clock, Duration.ofSeconds(15), 1 << 20), "cluster-1", clock,
                Duration.ofMinutes(2), GRACE, () -> false, node -> List.of());
        m.register(new Requests.Register(N1, "cluster-1", "http://127.0.0.1:6001", 1L << 30, 0, 1));
        return m;
    }

    TestPostgres.Database db;

    /** The engine the store is on: SQLite here, PostgreSQL in {@link PostgresOrphansTest}. */
    TestStores.Engine engine() {
        return TestStores.Engine.SQLITE;
    }

    /** The store, with fault injection. */
    private MetadataStore openStore() throws Exception {
        return engine() == TestStores.Engine.SQLITE ? faults.open(dir.resolve("meta.db")) : faults.open(TestStores.settings(db));
    }

    /** A second, plain store on the same database (another master, or this one after a restart). */
    private MetadataStore otherStore() throws Exception {
        return engine() == TestStores.Engine.SQLITE ? JdbcMetadataStore.sqlite(dir.resolve("meta.db"))
                : JdbcMetadataStore.postgres(TestStores.settings(db));
    }

    @BeforeEach
    void open() throws Exception {
        if (engine() == TestStores.Engine.POSTGRESQL) {
            db = TestPostgres.server().freshDatabase();
        }
        store = openStore();
        members = membership(store);
    }

    @AfterEach
    void close() {
        if (store != null) { // null when the PostgreSQL subclass was skipped before opening one
            store.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private void report(Membership m, String... ids) throws Exception {
        m.report(new Requests.ChunkReport(N1, "cluster-1", List.of(ids), true));
    }

    private List<String> heartbeat(Membership m) throws Exception {
        return m.heartbeat(new Requests.Heartbeat(N1, "cluster-1", "http://127.0.0.1:6001", 1L << 30, 0, 1)).deleteChunks();
    }

    @Test
    void anOrphanIsDeletedOnceTheGracePeriodHasPassedAndOnlyOnce() throws Exception {
        report(members, X);
        assertThat(heartbeat(members)).isEmpty();
        clock.advance(GRACE.minusSeconds(1));
        assertThat(heartbeat(members)).as("a writer may still commit it").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(heartbeat(members)).containsExactly(X);
        assertThat(heartbeat(members)).isEmpty();
    }

    @Test
    void aReportedChunkThatAFileCommitsIsNeverDeleted() throws Exception {
        report(members, X);
        store.write(tx -> {
            tx.putChunk(new ChunkRow(2, 0, X, 10, 10, 1));
            return null;
        });
        clock.advance(GRACE);
        assertThat(heartbeat(members)).isEmpty();
    }

    @Test
    void aRepeatedReportKeepsTheFirstSighting() throws Exception {
        report(members, X);
        clock.advance(Duration.ofMinutes(30));
        report(members, X);
        clock.advance(Duration.ofMinutes(30));
        assertThat(heartbeat(members)).containsExactly(X);
    }

    @Test
    void aHeartbeatWhoseTransactionIsRunAgainStillDeletesTheOrphan() throws Exception {
        report(members, X);
        clock.advance(GRACE);
        faults.once(FaultInjection.Point.COMMIT, null, FaultInjection.busy());
        assertThat(heartbeat(members)).as("the second run sees what the first one rolled back").containsExactly(X);
        assertThat(faults.injected()).isEqualTo(1);
    }

    @Test
    void aHeartbeatThatRollsBackLosesNoOrphan() throws Exception {
        report(members, X);
        clock.advance(GRACE);
        faults.once(FaultInjection.Point.COMMIT, null, FaultInjection.ioError());
        assertThatThrownBy(() -> heartbeat(members)).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.EIO));
        assertThat(heartbeat(members)).containsExactly(X);
    }

    @Test
    void aReportThatRollsBackLeavesNothingAndTheNextReportStartsTheGracePeriod() throws Exception {
        faults.once(FaultInjection.Point.COMMIT, null, FaultInjection.ioError());
        assertThatThrownBy(() -> report(members, X)).isInstanceOf(CairnException.class);
        clock.advance(Duration.ofMinutes(30));
        report(members, X);
        clock.advance(Duration.ofMinutes(40));
        assertThat(heartbeat(members)).as("first seen by the report that committed").isEmpty();
        clock.advance(Duration.ofMinutes(20));
        assertThat(heartbeat(members)).containsExactly(X);
    }

    @Test
    void orphansOutliveARestartAndAreSeenByASecondMasterOnTheSameDatabase() throws Exception {
        report(members, X);
        store.close();
        try (MetadataStore other = otherStore()) {
            Membership second = membership(other);
            clock.advance(GRACE);
            assertThat(heartbeat(second)).containsExactly(X);
        }
        store = openStore();
    }
}
