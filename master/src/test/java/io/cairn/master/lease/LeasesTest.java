package io.cairn.master.lease;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Requests;
import io.cairn.master.membership.Membership;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.TestStores;
import io.cairn.master.namespace.ChunkLists;
import io.cairn.master.namespace.Namespace;
import io.cairn.master.replay.Replays;
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
 * A writer's lease keeps the chunks it has not committed yet from being collected as orphans, and
 * a chunk whose lease lapsed (so that it may have been deleted) is never committed: ESTALE. Time
 * moves only by hand.
 */
@Timeout(60)
class LeasesTest {
    private static final long C = 1 << 20;
    private static final String N1 = "00000000-0000-0000-0000-000000000001";
    private static final Duration LEASE = Duration.ofMinutes(10);
    private static final Duration GRACE = Duration.ofHours(1);
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock();
    JdbcMetadataStore store;
    private TestStores.Opened opened;

    /** The engine the store is on: SQLite here, PostgreSQL in {@link PostgresLeasesTest}. */
    TestStores.Engine engine() {
        return TestStores.Engine.SQLITE;
    }
    Leases leases;
    ChunkLists chunks;
    Namespace ns;
    Membership members;

    @BeforeEach
    void open() throws Exception {
        opened = TestStores.open(engine(), dir);
        store = opened.store();
        NodeRegistry nodes = new NodeRegistry(clock, Duration.ofDays(30), C);
        leases = new Leases(store, clock, LEASE);
        Replays replays = new Replays(store, clock);
        chunks = new ChunkLists(store, nodes, clock, C, 1, 1, leases, replays);
        ns = new Namespace(store, clock, chunks, replays);
        ns.init();
        members = new Membership(store, nodes, "cluster-1", clock, Duration.ofMinutes(2), GRACE, () -> false,
                node -> List.of(), leases, 1);
        members.register(new Requests.Register(N1, "cluster-1", "http://127.0.0.1:6001", 1L << 40, 0, 0));
    }

    @AfterEach
    void close() {
        if (opened != null) {
            opened.close();
        }
    }

    private Attr file(String path) throws Exception {
        return ns.create(new Requests.Create(path, FileType.FILE, 0644, 0, 0, null, true));
    }

    private Allocation allocate(Attr f) throws Exception {
        return chunks.allocate(new Requests.Allocate(f.inode(), null, null));
    }

    /** The datanode's full report: it holds these chunks. */
    private void report(String... ids) throws Exception {
        Long gen = members.report(new Requests.ChunkReport(N1, "cluster-1", List.of(), false, true, null)).generation();
        members.report(new Requests.ChunkReport(N1, "cluster-1", List.of(ids), true, true, gen));
    }

    private List<String> heartbeat() throws Exception {
        return members.heartbeat(new Requests.Heartbeat(N1, "cluster-1", "http://127.0.0.1:6001", 1L << 40, 0, 0))
                .deleteChunks();
    }

    private Attr commit(Attr f, long index, String id) throws Exception {
        return chunks.commit(new Requests.Commit(f.inode(), -1, List.of(
                new Requests.CommitChunk(index, id, 100, 100, 7, List.of(N1))), null));
    }

    private static void expect(ErrorCode code, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(code));
    }

    @Test
    void anAllocationSaysHowLongItsLeaseLasts() throws Exception {
        assertThat(allocate(file("/f")).leaseMs()).isEqualTo(LEASE.toMillis());
    }

    @Test
    void anUncommittedChunkWhoseWriterRenewsOutlivesManyOrphanGracePeriodsAndCommits() throws Exception {
        Attr f = file("/log");
        Allocation a = allocate(f);
        report(a.chunkId()); // stored on its replica, not committed: a writer that is slow to commit
        for (int i = 0; i < 36; i++) { // three hours, renewing every five minutes
            clock.advance(Duration.ofMinutes(5));
            report(a.chunkId());
            assertThat(heartbeat()).as("after %d minutes", 5 * (i + 1)).isEmpty();
            assertThat(chunks.renew(new Requests.Renew(List.of(a.chunkId()))).lost()).isEmpty();
        }
        assertThat(commit(f, 0, a.chunkId()).size()).isEqualTo(100);
        clock.advance(GRACE.plus(LEASE));
        assertThat(heartbeat()).as("committed: never an orphan").isEmpty();
    }

    @Test
    void aChunkWhoseLeaseLapsedIsCollectedAfterTheGraceAndThenItsCommitIsRefused() throws Exception {
        Attr f = file("/dying");
        Allocation a = allocate(f);
        report(a.chunkId());
        clock.advance(GRACE.minusSeconds(1));
        assertThat(heartbeat()).as("within the grace period").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(heartbeat()).containsExactly(a.chunkId()); // its writer stopped renewing long ago
        expect(ErrorCode.ESTALE, () -> commit(f, 0, a.chunkId()));
        assertThatThrownBy(() -> commit(f, 0, a.chunkId())).hasMessageContaining(a.chunkId());
        assertThat(chunks.renew(new Requests.Renew(List.of(a.chunkId()))).lost()).containsExactly(a.chunkId());
        assertThat(ns.attr("/dying").size()).isZero();
        assertThat(chunks.layout(f.inode(), 0, 10).chunks()).isEmpty();
    }

    @Test
    void aLapsedLeaseNotYetCollectedIsRenewedAndItsChunkCommits() throws Exception {
        Attr f = file("/late");
        Allocation a = allocate(f);
        report(a.chunkId());
        clock.advance(GRACE.minusMinutes(1)); // the lease lapsed long ago, but the orphan grace period has not passed
        assertThat(heartbeat()).isEmpty();
        assertThat(chunks.renew(new Requests.Renew(List.of(a.chunkId()))).lost())
                .as("nothing ordered it deleted: the lease still stands").isEmpty();
        clock.advance(Duration.ofMinutes(2)); // past the orphan grace, within the renewed lease
        assertThat(heartbeat()).as("renewed: held again").isEmpty();
        assertThat(commit(f, 0, a.chunkId()).size()).isEqualTo(100);
    }

    @Test
    void aChunkLeasedToAnotherFileIsNotCommittedToThisOne() throws Exception {
        Attr mine = file("/mine");
        Attr other = file("/other");
        Allocation a = allocate(mine);
        expect(ErrorCode.ESTALE, () -> commit(other, 0, a.chunkId()));
        expect(ErrorCode.ESTALE, () -> commit(mine, 0, "0123456789abcdef0123456789abcdef")); // never allocated
        assertThat(commit(mine, 0, a.chunkId()).size()).isEqualTo(100);
    }

    @Test
    void aCommittedChunkIsCommittedAgainAtItsIndexWithAReplicaAddedButNotAtAnother() throws Exception {
        Attr f = file("/f");
        Allocation a = allocate(f);
        commit(f, 0, a.chunkId());
        String n2 = "00000000-0000-0000-0000-000000000002";
        chunks.commit(new Requests.Commit(f.inode(), -1, List.of(
                new Requests.CommitChunk(0, a.chunkId(), 100, 100, 7, List.of(N1, n2))), null));
        assertThat(chunks.layout(f.inode(), 0, 10).chunks().get(0).replicas()).extracting(r -> r.id())
                .containsExactlyInAnyOrder(N1, n2);
        expect(ErrorCode.ESTALE, () -> commit(f, 1, a.chunkId()));
        assertThat(chunks.renew(new Requests.Renew(List.of(a.chunkId()))).lost()).as("committed: not lost").isEmpty();
    }

    @Test
    void theSweepForgetsOnlyLeasesThatLapsedAWholeLeaseAgo() throws Exception {
        Attr f = file("/f");
        Allocation old = allocate(f);
        clock.advance(LEASE);
        Allocation fresh = allocate(f);
        assertThat(leases.sweep()).isZero();
        clock.advance(LEASE.plusMillis(1)); // the old one lapsed a lease ago, the fresh one just now
        assertThat(leases.sweep()).isEqualTo(1);
        assertThat(chunks.renew(new Requests.Renew(List.of(old.chunkId(), fresh.chunkId()))).lost())
                .containsExactly(old.chunkId());
    }
}
