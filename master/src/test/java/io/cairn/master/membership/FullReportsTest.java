package io.cairn.master.membership;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Requests;
import io.cairn.master.lease.Leases;
import io.cairn.master.meta.ChunkRow;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node's full report is authoritative for that node, a stale one undoes nothing newer, and a
 * copy being deleted is not brought back by a report, unless it is wanted again.
 */
@Timeout(60)
class FullReportsTest {
    private static final String N1 = "00000000-0000-0000-0000-000000000001";
    private static final String N2 = "00000000-0000-0000-0000-000000000002";
    private static final String N3 = "00000000-0000-0000-0000-000000000003";
    private static final String X = "0000000000000000000000000000000a";
    private static final String Y = "0000000000000000000000000000000b";
    private static final String Z = "0000000000000000000000000000000c";
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock();
    JdbcMetadataStore store;
    private TestStores.Opened opened;

    /** The engine the store is on: SQLite here, PostgreSQL in {@link PostgresFullReportsTest}. */
    TestStores.Engine engine() {
        return TestStores.Engine.SQLITE;
    }
    NodeRegistry registry;
    Membership members;

    @BeforeEach
    void open() throws Exception {
        opened = TestStores.open(engine(), dir);
        store = opened.store();
        registry = new NodeRegistry(clock, Duration.ofSeconds(15), 1 << 20);
        members = new Membership(store, registry, "cluster-1", clock, Duration.ofMinutes(2), Duration.ofHours(1),
                () -> false, node -> List.of(), new Leases(store, clock, Duration.ofMinutes(10)), 2);
        for (String n : List.of(N1, N2, N3)) {
            register(n);
        }
    }

    @AfterEach
    void close() {
        if (opened != null) {
            opened.close();
        }
    }

    private void register(String node) throws Exception {
        members.register(new Requests.Register(node, "cluster-1", "http://127.0.0.1:6001/" + node.substring(35), 1L << 40, 0, 0));
    }

    /** Chunk {@code id} is committed, with replica rows on {@code nodes}. */
    private void committed(String id, long inode, String... nodes) throws Exception {
        store.write(tx -> {
            tx.putChunk(new ChunkRow(inode, 0, id, 10, 10, 1));
            for (String n : nodes) {
                tx.addReplica(id, n);
            }
            return null;
        });
    }

    private List<String> rows(String id) throws Exception {
        return store.read(tx -> tx.replicas(id));
    }

    private long begin(String node) throws Exception {
        return members.report(new Requests.ChunkReport(node, "cluster-1", List.of(), false, true, null)).generation();
    }

    private void part(String node, long gen, boolean last, String... ids) throws Exception {
        members.report(new Requests.ChunkReport(node, "cluster-1", List.of(ids), last, true, gen));
    }

    private void fullReport(String node, String... ids) throws Exception {
        part(node, begin(node), true, ids);
    }

    private List<String> heartbeat(String node, String... confirmed) throws Exception {
        return members.heartbeat(new Requests.Heartbeat(node, "cluster-1", "http://127.0.0.1:6001/" + node.substring(35),
                1L << 40, 0, 0, null, List.of(confirmed))).deleteChunks();
    }

    /** What repair does when it trims a copy: the row goes, and its deletion is queued without a grace period. */
    private void trimmed(String id, String node) throws Exception {
        store.write(tx -> {
            tx.deleteReplica(id, node);
            tx.addGarbage(id, node, Long.MIN_VALUE / 2);
            return null;
        });
    }

    @Test
    void aFullReportForgetsTheReplicasOfItsNodeThatItDoesNotList() throws Exception {
        committed(X, 10, N1, N2);
        committed(Y, 11, N1, N2);
        fullReport(N1, X); // Y's file on N1 is gone (removed by hand, a lost disk)
        assertThat(rows(X)).containsExactly(N1, N2);
        assertThat(rows(Y)).as("N2's report is N2's business").containsExactly(N2);
    }

    @Test
    void rowsAddedOrConfirmedAfterAReportBeganSurviveItsEnd() throws Exception {
        committed(X, 10, N1);
        committed(Y, 11, N1);
        long gen = begin(N1);
        part(N1, gen, false, X);
        committed(Z, 12, N1); // a writer commits a chunk it just stored on N1, listed too late for this report
        part(N1, gen, true, Y);
        assertThat(rows(X)).containsExactly(N1);
        assertThat(rows(Y)).containsExactly(N1);
        assertThat(rows(Z)).containsExactly(N1);
        fullReport(N1, X, Y);
        assertThat(rows(Z)).as("the next report does not list it: gone").isEmpty();
    }

    @Test
    void aPartOfAnOlderReportIsRefusedAsStaleAndChangesNothing() throws Exception {
        committed(X, 10);
        long old = begin(N1);
        long newer = begin(N1); // the node started over (it restarted, or a part was refused)
        assertThat(newer).isGreaterThan(old);
        assertThatThrownBy(() -> part(N1, old, true, X)).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.ESTALE));
        assertThat(rows(X)).isEmpty();
        part(N1, newer, true, X);
        assertThat(rows(X)).containsExactly(N1);
    }

    @Test
    void aReportDoesNotBringBackACopyWhoseDeletionIsQueuedOrNotYetConfirmed() throws Exception {
        committed(X, 10, N1, N2, N3);
        trimmed(X, N3); // a surplus copy
        fullReport(N3, X); // sent between the trim and the deletion
        assertThat(rows(X)).containsExactly(N1, N2);
        assertThat(heartbeat(N3)).containsExactly(X); // two other good copies: deleted
        fullReport(N3, X); // listed before the datanode deleted it
        assertThat(rows(X)).containsExactly(N1, N2);
        assertThat(heartbeat(N3)).as("handed out once").isEmpty();
        assertThat(heartbeat(N3, X)).isEmpty(); // the datanode confirms it
        assertThat(store.<Object>read(tx -> tx.garbage(X, N3))).isNull();
        assertThat(rows(X)).containsExactly(N1, N2);
    }

    @Test
    void aQueuedTrimIsCancelledWhenTooFewOtherGoodCopiesAreLeftAndTheCopyCountsAgain() throws Exception {
        committed(X, 10, N1, N2, N3);
        trimmed(X, N3);
        registry.setDraining(N2); // meanwhile N2 is being decommissioned: its copy no longer counts
        assertThat(heartbeat(N3)).as("N3's copy is wanted again").isEmpty();
        assertThat(rows(X)).containsExactly(N1, N2, N3);
        assertThat(store.<Object>read(tx -> tx.garbage(X, N3))).isNull();
    }

    @Test
    void aCopyAReplicaRowNamesAgainIsNotDeleted() throws Exception {
        committed(X, 10, N1, N2);
        store.write(tx -> {
            tx.addGarbage(X, N2, Long.MIN_VALUE / 2); // queued while a row names the copy (added back meanwhile)
            return null;
        });
        assertThat(heartbeat(N2)).isEmpty();
        assertThat(rows(X)).containsExactly(N1, N2);
    }

    @Test
    void aNodeThatRegistersAnewIsHandedItsUnconfirmedDeletionsAgain() throws Exception {
        store.write(tx -> {
            tx.addGarbage(Y, N1, Long.MIN_VALUE / 2); // a dropped chunk: no file uses it
            return null;
        });
        assertThat(heartbeat(N1)).containsExactly(Y);
        assertThat(heartbeat(N1)).as("handed out, not confirmed: not again").isEmpty();
        register(N1); // it restarted before confirming: it may not have deleted it
        assertThat(heartbeat(N1)).containsExactly(Y);
        assertThat(heartbeat(N1, Y)).isEmpty();
        register(N1);
        assertThat(heartbeat(N1)).as("confirmed: done").isEmpty();
    }
}
