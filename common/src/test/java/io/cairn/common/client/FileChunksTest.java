package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.Requests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class FileChunksTest {
    private static final int CS = 10;
    private static final long INODE = 7;
    private final MemoryChunkService cluster = new MemoryChunkService(CS);
    private final List<Attr> heard = new CopyOnWriteArrayList<>();
    private final FileChunks chunks = new FileChunks(cluster, INODE, CS, heard::add);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        CountDownLatch gate = cluster.storeGate;
        if (gate != null) {
            gate.countDown();
        }
        threads.shutdownNow();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    @Test
    void anUploadedChunkIsUncommittedAndUnsyncedUntilCommitThenSyncTakeItOff() throws Exception {
        ChunkRef up = chunks.upload(0, bytes(CS, 1), 7, false);

        assertThat(up.index()).isZero();
        assertThat(up.length()).isEqualTo(7);
        assertThat(cluster.blobs.get(up.id())).isEqualTo(java.util.Arrays.copyOf(bytes(CS, 1), 7));
        assertThat(chunks.allocated()).containsExactly(up.id());
        assertThat(chunks.uncommitted()).containsExactly(up);
        assertThat(chunks.unsynced()).containsExactly(up);
        assertThat(chunks.hasUncommitted()).isTrue();

        Attr a = chunks.commit(() -> 7);
        assertThat(a.size()).isEqualTo(7);
        Requests.Commit c = cluster.commits.get(0);
        assertThat(c.inode()).isEqualTo(INODE);
        assertThat(c.size()).isEqualTo(7);
        assertThat(c.chunks()).containsExactly(new Requests.CommitChunk(0, up.id(), 7, 7, up.crc32c(), List.of("n1")));
        assertThat(chunks.allocated()).isEmpty();
        assertThat(chunks.uncommitted()).isEmpty();
        assertThat(chunks.hasUncommitted()).isFalse();
        assertThat(chunks.unsynced()).containsExactly(up); // committed is not yet on stable storage
        assertThat(heard).containsExactly(a);

        chunks.sync();
        assertThat(cluster.synced).containsExactly(up);
        assertThat(chunks.unsynced()).isEmpty();
        chunks.sync();
        assertThat(cluster.synced).hasSize(1); // nothing left to sync: no call
    }

    @Test
    void aDurableUploadIsStoredSyncedAndNeverCountsAsUnsynced() throws Exception {
        ChunkRef up = chunks.upload(0, bytes(CS, 2), CS, true);
        assertThat(cluster.durableStores).containsExactly(true);
        assertThat(chunks.uncommitted()).containsExactly(up);
        assertThat(chunks.unsynced()).isEmpty();
    }

    @Test
    void aChunkInFlightIsAllocatedButNotYetUncommitted() throws Exception {
        cluster.storeGate = new CountDownLatch(1);
        Future<ChunkRef> up = threads.submit(() -> chunks.upload(0, bytes(CS, 3), CS, false));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (chunks.allocated().isEmpty()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.onSpinWait();
        }
        assertThat(chunks.uncommitted()).isEmpty();
        assertThat(chunks.unsynced()).isEmpty();

        cluster.storeGate.countDown();
        ChunkRef ref = up.get(5, TimeUnit.SECONDS);
        assertThat(chunks.allocated()).containsExactly(ref.id());
        assertThat(chunks.uncommitted()).containsExactly(ref);
    }

    @Test
    void aFailedUploadLeavesNothingBehindAndATryAgainWorks() throws Exception {
        cluster.storeFailure = new CairnException(ErrorCode.ENONODES, "no live datanode");
        assertThatThrownBy(() -> chunks.upload(0, bytes(CS, 4), CS, false))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENONODES));
        assertThat(chunks.allocated()).isEmpty(); // its id is given up: nothing would renew it
        assertThat(chunks.uncommitted()).isEmpty();
        assertThat(chunks.unsynced()).isEmpty();

        cluster.storeFailure = null;
        ChunkRef up = chunks.upload(0, bytes(CS, 4), CS, false);
        assertThat(chunks.allocated()).containsExactly(up.id());
        assertThat(chunks.uncommitted()).containsExactly(up);
    }

    @Test
    void aNewerUploadOfAnIndexReplacesTheOlderOneNotYetCommitted() throws Exception {
        ChunkRef first = chunks.upload(0, bytes(CS, 5), CS, false);
        ChunkRef second = chunks.upload(0, bytes(CS, 6), CS, false);
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(chunks.allocated()).containsExactly(second.id());
        assertThat(chunks.uncommitted()).containsExactly(second);
        assertThat(chunks.unsynced()).containsExactly(second);

        chunks.commit(() -> CS);
        assertThat(cluster.commits.get(0).chunks()).extracting(Requests.CommitChunk::id).containsExactly(second.id());
        ChunkRef durable = chunks.upload(0, bytes(CS, 7), CS, true);
        assertThat(chunks.unsynced()).isEmpty(); // the unsynced one is no longer the file's
        assertThat(chunks.uncommitted()).containsExactly(durable);
    }

    @Test
    void nothingIsCommittedBeforeABatchIsFullAndABatchLetsTheFileGrow() throws Exception {
        for (int i = 0; i < FileChunks.COMMIT_BATCH - 1; i++) {
            chunks.upload(i, bytes(CS, i), CS, false);
            assertThat(chunks.commitIfBatchFull()).isNull();
        }
        assertThat(cluster.commits).isEmpty();
        assertThat(chunks.uncommitted()).hasSize(FileChunks.COMMIT_BATCH - 1);

        chunks.upload(FileChunks.COMMIT_BATCH - 1, bytes(CS, 99), 3, false);
        Attr a = chunks.commitIfBatchFull();
        assertThat(a).isNotNull();
        assertThat(cluster.commits).hasSize(1);
        assertThat(cluster.commits.get(0).size()).isEqualTo(-1); // grow only: the exact size comes at the end
        assertThat(cluster.commits.get(0).chunks()).hasSize(FileChunks.COMMIT_BATCH);
        assertThat(a.size()).isEqualTo((FileChunks.COMMIT_BATCH - 1) * CS + 3);
        assertThat(chunks.uncommitted()).isEmpty();
        assertThat(chunks.allocated()).isEmpty();
        assertThat(chunks.unsynced()).hasSize(FileChunks.COMMIT_BATCH);
        assertThat(chunks.commitIfBatchFull()).isNull();
        assertThat(heard).containsExactly(a);
    }

    @Test
    void aCommitWithNoNewChunksStillSetsTheSize() throws Exception {
        Attr a = chunks.commit(() -> 25);
        assertThat(a.size()).isEqualTo(25);
        assertThat(cluster.commits.get(0).chunks()).isEmpty();
    }

    @Test
    void aChunkUploadedWhileTheSizeIsAskedWaitsForTheNextCommit() throws Exception {
        // the size is asked after the chunks are taken: a chunk that lands meanwhile (a writer going on
        // past the size) is not in a commit whose size would cut it off
        ChunkRef first = chunks.upload(0, bytes(CS, 8), CS, false);
        ChunkRef[] late = new ChunkRef[1];
        chunks.commit(() -> {
            try {
                late[0] = chunks.upload(1, bytes(CS, 9), CS, false);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return CS;
        });
        assertThat(cluster.commits.get(0).chunks()).extracting(Requests.CommitChunk::id).containsExactly(first.id());
        assertThat(chunks.uncommitted()).containsExactly(late[0]);
        chunks.commit(() -> 2 * CS);
        assertThat(cluster.commits.get(1).chunks()).extracting(Requests.CommitChunk::id).containsExactly(late[0].id());
    }

    @Test
    void aFailedCommitKeepsItsChunksForTheNextOne() throws Exception {
        ChunkRef up = chunks.upload(0, bytes(CS, 9), CS, false);
        cluster.commitFailure = new CairnException(ErrorCode.EIO, "master away");
        assertThatThrownBy(() -> chunks.commit(() -> CS)).isInstanceOf(CairnException.class);
        assertThat(chunks.uncommitted()).containsExactly(up);
        assertThat(chunks.allocated()).containsExactly(up.id());
        assertThat(heard).isEmpty();

        cluster.commitFailure = null;
        chunks.commit(() -> CS);
        assertThat(cluster.commits.get(0).chunks()).extracting(Requests.CommitChunk::id).containsExactly(up.id());
        assertThat(chunks.uncommitted()).isEmpty();
    }

    @Test
    void resizingForgetsSyncingChunksPastTheNewEndAndRunsTheCallersStepBeforeTellingAnyone() throws Exception {
        for (int i = 0; i < 3; i++) {
            chunks.upload(i, bytes(CS, i), CS, false);
        }
        chunks.commit(() -> 3 * CS);
        List<String> order = new CopyOnWriteArrayList<>();
        heard.clear();
        Attr a = chunks.resize(CS + 5, () -> order.add("step, heard " + heard.size()));

        assertThat(a.size()).isEqualTo(CS + 5);
        assertThat(cluster.sizes.get(INODE)).isEqualTo(CS + 5);
        assertThat(order).containsExactly("step, heard 0");
        assertThat(heard).containsExactly(a);
        assertThat(chunks.unsynced()).extracting(ChunkRef::index).containsExactly(0L, 1L);
        chunks.resize(CS, () -> { });
        assertThat(chunks.unsynced()).extracting(ChunkRef::index).containsExactly(0L);
        assertThatThrownBy(() -> chunks.resize(-1, () -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void uploadsOfDifferentIndexesMayRunAtOnce() throws Exception {
        List<Future<ChunkRef>> ups = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int index = i;
            ups.add(threads.submit(() -> chunks.upload(index, bytes(CS, index), CS, false)));
        }
        for (Future<ChunkRef> f : ups) {
            f.get(5, TimeUnit.SECONDS);
        }
        assertThat(chunks.uncommitted()).extracting(ChunkRef::index)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 40).boxed().toList());
        assertThat(chunks.allocated()).hasSize(40);
    }

    @Test
    void aChunkLongerThanAChunkIsRefused() {
        assertThatThrownBy(() -> chunks.upload(0, new byte[CS + 1], CS + 1, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(chunks.allocated()).isEmpty();
    }
}
