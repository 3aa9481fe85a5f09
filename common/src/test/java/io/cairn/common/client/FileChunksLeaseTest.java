package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.ChunkRef;
import io.cairn.testing.Eventually;
import io.cairn.testing.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A writer's leases, kept alive by the background step {@link FileChunks#keepAlive} (driven here by
 * hand, with the time given): every third of the lease, what is uploaded is committed (the file only
 * grows) and the leases of the rest are renewed, however idle the writer; a lost lease fails the
 * next write and flush.
 */
@Timeout(30)
class FileChunksLeaseTest {
    private static final int CS = 10;
    private static final long INODE = 7;
    private static final long LEASE_MS = 3000;
    private static final long THIRD_NS = LEASE_MS * 1_000_000 / 3;
    /** Room for the time a test itself takes between its steps. */
    private static final long MARGIN_NS = 200_000_000;
    private final MemoryChunkService cluster = new MemoryChunkService(CS);
    private final FileChunks chunks = new FileChunks(cluster, INODE, CS, attr -> { });
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void leases() {
        cluster.leaseMs = LEASE_MS;
    }

    @AfterEach
    void stop() {
        CountDownLatch gate = cluster.storeGate;
        if (gate != null) {
            gate.countDown();
        }
        threads.shutdownNow();
    }

    private static void expectEstale(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.ESTALE));
    }

    @Test
    void anIdleWritersUploadedChunksAreCommittedAThirdOfTheLeaseOnGrowingTheFileOnly() throws Exception {
        long t0 = System.nanoTime();
        ChunkRef up = chunks.upload(3, new byte[CS], 4, false);
        chunks.keepAlive(t0); // not due yet
        assertThat(cluster.commits).isEmpty();
        chunks.keepAlive(t0 + THIRD_NS + MARGIN_NS);
        assertThat(cluster.commits).singleElement().satisfies(c -> {
            assertThat(c.size()).as("grow only").isNegative();
            assertThat(c.chunks()).extracting(ch -> ch.id()).containsExactly(up.id());
        });
        assertThat(cluster.sizes.get(INODE)).isEqualTo(3 * CS + 4);
        assertThat(chunks.uncommitted()).isEmpty();
        assertThat(chunks.allocated()).isEmpty();
        assertThat(cluster.renewals).as("nothing left to renew").isEmpty();
    }

    @Test
    void theLeaseOfAChunkStillUploadingIsRenewedEveryThirdOfTheLease() throws Exception {
        cluster.storeGate = new CountDownLatch(1);
        long t0 = System.nanoTime();
        Future<ChunkRef> slow = threads.submit(() -> chunks.upload(0, new byte[CS], CS, false));
        Eventually.await("allocated", () -> !chunks.allocated().isEmpty());
        String id = chunks.allocated().get(0);
        chunks.keepAlive(t0 + THIRD_NS + MARGIN_NS);
        chunks.keepAlive(t0 + THIRD_NS + 2 * MARGIN_NS); // the next is a third later, not now
        chunks.keepAlive(t0 + 2 * THIRD_NS + 2 * MARGIN_NS);
        assertThat(cluster.renewals).containsExactly(List.of(id), List.of(id));
        assertThat(cluster.commits).isEmpty();
        cluster.storeGate.countDown();
        assertThat(slow.get().id()).isEqualTo(id);
    }

    @Test
    void aLostLeaseFailsTheNextWriteAndFlushWithEstaleNamingTheChunk() throws Exception {
        ChunkRef up = chunks.upload(0, new byte[CS], CS, false);
        cluster.lostLeases.add(up.id()); // e.g. the writer was cut off from the master for longer than the lease
        chunks.keepAlive(System.nanoTime() + THIRD_NS + MARGIN_NS); // its timely commit is refused: the step learns why
        assertThat(chunks.lost()).containsExactly(up.id());
        expectEstale(chunks::commitIfBatchFull);                 // the next write
        expectEstale(() -> chunks.commit(() -> CS));             // the flush (and so the fsync)
        assertThatThrownBy(() -> chunks.commit(() -> CS)).hasMessageContaining(up.id());
        assertThat(cluster.commits).isEmpty();
    }

    @Test
    void aCommitRefusedAsStaleMarksTheLostLeases() throws Exception {
        ChunkRef kept = chunks.upload(0, new byte[CS], CS, false);
        ChunkRef gone = chunks.upload(1, new byte[CS], CS, false);
        cluster.lostLeases.add(gone.id());
        expectEstale(() -> chunks.commit(() -> 2 * CS));
        assertThat(chunks.lost()).containsExactly(gone.id());
        assertThat(chunks.uncommitted()).extracting(ChunkRef::id).containsExactly(kept.id(), gone.id());
    }

    @Test
    void aClustersLeaseKeeperRunsOnOneThreadThatStopsWithTheCluster() throws Exception {
        try (Cluster c = new Cluster("http://127.0.0.1:1", Duration.ofSeconds(1))) {
            assertThat(Threads.named("cairn-leases")).isNotEmpty();
            assertThat(c.chunkService().leaseKeeper()).isSameAs(c.leaseKeeper());
            assertThat(c.leaseKeeper().watched()).isZero();
        }
        Eventually.await("the lease keeper's thread ends with the cluster", () -> Threads.named("cairn-leases").isEmpty());
    }
}
