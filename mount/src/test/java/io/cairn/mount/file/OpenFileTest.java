package io.cairn.mount.file;

import io.cairn.common.client.FileChunks;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.Limits;
import io.cairn.common.wire.Requests;
import io.cairn.mount.cache.ChunkCache;
import io.cairn.testing.Eventually;
import io.cairn.testing.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class OpenFileTest {
    private static final int CS = 64;
    private final FakeChunkService store = new FakeChunkService(CS);
    private final ThreadPoolExecutor uploads = (ThreadPoolExecutor) Executors.newFixedThreadPool(2);
    private final ExecutorService readAhead = Executors.newFixedThreadPool(2);
    private final ExecutorService writers = Executors.newCachedThreadPool();
    private final List<Attr> committed = new CopyOnWriteArrayList<>();
    private DirtyBudget budget;

    @AfterEach
    void stop() {
        CountDownLatch gate = store.uploadGate;
        if (gate != null) {
            gate.countDown();
        }
        uploads.shutdownNow();
        readAhead.shutdownNow();
        writers.shutdownNow();
    }

    private DataPath path(int dirtyChunks) {
        budget = new DirtyBudget(dirtyChunks, Duration.ofSeconds(5));
        return new DataPath(store, new ChunkCache(4, store::fetch, readAhead), budget, uploads,
                new DataLimits(CS, dirtyChunks, 4, 1, 2), committed::add);
    }

    private OpenFile open(long inode, int dirtyChunks) {
        return new OpenFile(inode, store.sizes.getOrDefault(inode, 0L), path(dirtyChunks));
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] read(OpenFile f, long offset, int length) throws Exception {
        byte[] out = new byte[length];
        int n = f.read(offset, length, ByteSink.of(out), 0);
        return Arrays.copyOf(out, n);
    }

    private static void write(OpenFile f, long offset, byte[] data) throws Exception {
        f.write(offset, data.length, ByteSource.of(data), false);
    }

    @Test
    void sequentialWritesUploadWholeChunksNotOneRequestPerWriteAndFlushCommitsOnce() throws Exception {
        OpenFile f = open(1, 8);
        byte[] data = random(5 * CS + 10, 1);
        for (int off = 0; off < data.length; off += 16) { // many small writes, as the kernel sends them
            write(f, off, Arrays.copyOfRange(data, off, Math.min(data.length, off + 16)));
        }
        f.flush();

        assertThat(store.uploads.get()).isEqualTo(6); // five full chunks and the partial last one
        assertThat(store.commits.get()).isEqualTo(1);
        assertThat(store.commitLog.get(0).size()).isEqualTo(data.length);
        assertThat(store.content(1)).isEqualTo(data);
        assertThat(committed).hasSize(1);
        assertThat(f.hasLocalChanges()).isFalse();
    }

    @Test
    void aChunkWhoseTokensExpiredInTheKeptLayoutIsAskedForAgainOnceAndRead() throws Exception {
        byte[] data = random(3 * CS, 9);
        store.putFile(1, data);
        store.checkTokens = true;
        OpenFile f = open(1, 8);
        assertThat(read(f, 0, CS)).isEqualTo(Arrays.copyOf(data, CS)); // the layout is kept, its tokens good
        int layouts = store.layouts.get();
        store.tokenEpoch.incrementAndGet(); // ... until they expire
        assertThat(read(f, CS, CS)).isEqualTo(Arrays.copyOfRange(data, CS, 2 * CS));
        assertThat(store.layouts.get()).as("the chunk asked for again").isEqualTo(layouts + 1);
    }

    @Test
    void readsSeeWritesThatAreNotFlushedYet() throws Exception {
        store.putFile(1, random(3 * CS, 2));
        OpenFile f = open(1, 8);
        byte[] patch = "new bytes".getBytes();
        write(f, CS + 5, patch);
        write(f, 3 * CS, patch); // past the old end

        byte[] expected = Arrays.copyOf(store.content(1), 3 * CS + patch.length);
        System.arraycopy(patch, 0, expected, CS + 5, patch.length);
        System.arraycopy(patch, 0, expected, 3 * CS, patch.length);
        assertThat(f.size()).isEqualTo(expected.length);
        assertThat(read(f, 0, 1000)).isEqualTo(expected);
        assertThat(store.commits.get()).isZero();
    }

    @Test
    void aWriteIntoTheMiddleOfAChunkUploadsOnlyItsBytesAsASliceAndFetchesNothing() throws Exception {
        byte[] old = random(200, 3);
        store.putFile(1, old);
        OpenFile f = open(1, 8);
        byte[] patch = random(10, 4);
        write(f, 70, patch);
        f.flush();

        byte[] expected = old.clone();
        System.arraycopy(patch, 0, expected, 70, patch.length);
        assertThat(store.content(1)).isEqualTo(expected);
        assertThat(store.fetches.get()).isZero();
        assertThat(store.uploads.get()).isEqualTo(1);
        Requests.CommitChunk sent = store.commitLog.get(store.commitLog.size() - 1).chunks().get(0);
        assertThat(sent.at()).isEqualTo(70 % 64); // a slice of chunk 1 (64-byte chunks) at byte 6
        assertThat(sent.size()).isEqualTo(10);
        assertThat(read(f, 0, 200)).isEqualTo(expected); // read back through the slice
        OpenFile again = open(1, 8);
        assertThat(read(again, 60, 30)).isEqualTo(Arrays.copyOfRange(expected, 60, 90));
    }

    @Test
    void manySmallWritesIntoOneChunkAreCompactedIntoAWholeChunkAndReadTheSameThroughout() throws Exception {
        byte[] data = random(3 * CS, 30);
        store.putFile(1, data);
        OpenFile f = open(1, 8);
        byte[] expected = data.clone();
        Random r = new Random(31);
        int maxSlices = 0;
        for (int i = 0; i < 3 * Limits.COMPACT_AT; i++) {
            int at = CS + r.nextInt(CS - 2);
            byte[] b = random(2, 100 + i);
            write(f, at, b);
            System.arraycopy(b, 0, expected, at, 2);
            f.flush(); // each flush lays one slice over chunk 1
            assertThat(read(f, 0, 3 * CS)).isEqualTo(expected);
            synchronized (store) {
                maxSlices = Math.max(maxSlices, store.chunks.get(1L).get(1L).sliceList().size());
            }
        }
        Eventually.await("a compaction has run", Duration.ofSeconds(5), () -> f.compactions() >= 1);
        Eventually.await("uploads are idle", Duration.ofSeconds(5), () -> uploads.getActiveCount() == 0);
        assertThat(store.compactions.get()).isGreaterThanOrEqualTo(1);
        assertThat(maxSlices).isLessThanOrEqualTo(2 * Limits.COMPACT_AT); // bounded however many writes come
        assertThat(store.content(1)).isEqualTo(expected);
        assertThat(read(f, 0, 3 * CS)).isEqualTo(expected);
        assertThat(read(open(1, 8), 0, 3 * CS)).isEqualTo(expected); // as another open sees it
    }

    @Test
    void aWriteOverTooMuchOfAChunkForSlicesMergesTheOldBytesAndUploadsTheWholeChunk() throws Exception {
        byte[] data = random(2 * CS, 32);
        store.putFile(1, data);
        OpenFile f = open(1, 8);
        byte[] patch = random(CS / 2, 33);
        write(f, CS + 8, patch); // half the chunk, not from its start
        f.flush();
        byte[] expected = data.clone();
        System.arraycopy(patch, 0, expected, CS + 8, patch.length);
        assertThat(store.content(1)).isEqualTo(expected);
        assertThat(store.fetches.get()).isEqualTo(1); // the old chunk, once
        Requests.CommitChunk sent = store.commitLog.get(store.commitLog.size() - 1).chunks().get(0);
        assertThat(sent.at()).isNull();
        assertThat(sent.size()).isEqualTo(CS);
    }

    @Test
    void smallWritesInsideAnExistingChunkAreGatheredNotUploadedOneByOne() throws Exception {
        // regression: dd bs=1000 conv=notrunc uploaded the whole (merged, hence "full") chunk after every write
        byte[] old = random(2 * CS, 23);
        store.putFile(1, old);
        OpenFile f = open(1, 8);
        byte[] expected = old.clone();
        for (int off = 10; off < 50; off += 4) {
            byte[] piece = random(4, off);
            write(f, off, piece);
            System.arraycopy(piece, 0, expected, off, 4);
        }
        assertThat(store.uploads.get()).isZero();
        f.flush();
        assertThat(store.uploads.get()).isEqualTo(1);
        assertThat(store.fetches.get()).isEqualTo(1);
        assertThat(store.content(1)).isEqualTo(expected);
    }

    @Test
    void rewritingAChunkFromItsStartNeverFetchesTheOldOne() throws Exception {
        store.putFile(1, random(2 * CS, 5));
        OpenFile f = open(1, 8);
        byte[] fresh = random(2 * CS, 6);
        for (int off = 0; off < fresh.length; off += 8) {
            write(f, off, Arrays.copyOfRange(fresh, off, off + 8));
        }
        f.flush();
        assertThat(store.content(1)).isEqualTo(fresh);
        assertThat(store.fetches.get()).isZero();
    }

    @Test
    void aPartlyRewrittenChunkMergesTheOldBytesBeforeItIsUploaded() throws Exception {
        byte[] old = random(CS, 7);
        store.putFile(1, old);
        OpenFile f = open(1, 8);
        byte[] head = random(10, 8);
        write(f, 0, head); // contiguous from the start: nothing fetched yet
        assertThat(store.fetches.get()).isZero();
        assertThat(read(f, 0, CS)).startsWith(head).endsWith(Arrays.copyOfRange(old, 10, CS));
        f.flush();
        byte[] expected = old.clone();
        System.arraycopy(head, 0, expected, 0, 10);
        assertThat(store.content(1)).isEqualTo(expected);
    }

    @Test
    void appendingToAPartialLastChunkKeepsWhatWasThere() throws Exception {
        byte[] old = random(100, 9);
        store.putFile(1, old);
        OpenFile f = open(1, 8);
        byte[] more = random(50, 10);
        f.write(0, more.length, ByteSource.of(more), true); // O_APPEND: the offset is ignored
        f.flush();
        byte[] expected = Arrays.copyOf(old, 150);
        System.arraycopy(more, 0, expected, 100, 50);
        assertThat(store.content(1)).isEqualTo(expected);
    }

    @Test
    void holesReadAsZerosBeforeAndAfterTheFlush() throws Exception {
        OpenFile f = open(1, 8);
        write(f, 1000, new byte[] {'x'});
        byte[] expected = new byte[1001];
        expected[1000] = 'x';
        assertThat(read(f, 0, 2000)).isEqualTo(expected);
        f.flush();
        assertThat(store.chunks.get(1L).keySet()).containsExactly(1000L / CS); // no chunks for the hole
        assertThat(read(f, 0, 2000)).isEqualTo(expected);
        assertThat(store.content(1)).isEqualTo(expected);
    }

    @Test
    void truncateShrinksThenGrowsWithZerosPastTheOldEnd() throws Exception {
        byte[] old = random(150, 11);
        store.putFile(1, old);
        OpenFile f = open(1, 8);
        f.truncate(70);
        assertThat(read(f, 0, 1000)).isEqualTo(Arrays.copyOf(old, 70));
        f.truncate(200);
        byte[] expected = Arrays.copyOf(Arrays.copyOf(old, 70), 200);
        assertThat(read(f, 0, 1000)).isEqualTo(expected);
        assertThat(store.content(1)).isEqualTo(expected);
    }

    @Test
    void writesBeforeATruncateAreCommittedFirst() throws Exception {
        OpenFile f = open(1, 8);
        write(f, 0, random(3 * CS, 12));
        f.truncate(CS + 1);
        assertThat(store.sizes.get(1L)).isEqualTo(CS + 1);
        assertThat(read(f, 0, 1000)).hasSize(CS + 1);
    }

    @Test
    void anUploadFailureSurfacesFromFlushWithTheClusterErrorAndTheDataIsKeptForARetry() throws Exception {
        store.uploadFailure.set(new CairnException(ErrorCode.ENONODES, "no live datanode"));
        OpenFile f = open(1, 8);
        byte[] data = random(CS + 5, 13);
        write(f, 0, data);

        assertThatThrownBy(f::flush).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.ENONODES));
        assertThat(store.commits.get()).isZero();

        store.uploadFailure.set(null); // the cluster is back
        f.flush();
        assertThat(store.content(1)).isEqualTo(data);
    }

    @Test
    void aWriteAfterABackgroundUploadFailedReportsIt() throws Exception {
        store.uploadFailure.set(new CairnException(ErrorCode.EIO, "datanode gone"));
        OpenFile f = open(1, 8);
        write(f, 0, random(CS, 14)); // a full chunk: uploads (and fails) in the background
        // the upload task has run to its end, so the open file has taken note of the failure
        Eventually.await("the background upload has finished", Duration.ofSeconds(5),
                () -> uploads.getCompletedTaskCount() >= 1 && f.hasLocalChanges());
        assertThatThrownBy(() -> write(f, CS, new byte[1])).isInstanceOf(CairnException.class)
                .hasMessageContaining("earlier write");
    }

    @Test
    void dirtyBuffersNeverExceedTheBudgetAndAWriterWaitsForUploads() throws Exception {
        store.uploadGate = new CountDownLatch(1);
        OpenFile f = open(1, 3);
        byte[] data = random(10 * CS, 15);
        AtomicReference<Thread> writerThread = new AtomicReference<>();
        Future<?> writer = writers.submit(() -> {
            writerThread.set(Thread.currentThread());
            write(f, 0, data);
            return null;
        });
        Eventually.await("the writer waits for a buffer", Duration.ofSeconds(5), () -> writerThread.get() != null
                && Threads.waitingIn(writerThread.get(), DirtyBudget.class, "acquire"));
        assertThat(writer.isDone()).isFalse(); // three chunks are held; the fourth waits
        assertThat(budget.available()).isZero();

        store.uploadGate.countDown();
        writer.get(10, TimeUnit.SECONDS);
        f.flush();
        assertThat(store.content(1)).isEqualTo(data);
        assertThat(store.maxInFlight.get()).isLessThanOrEqualTo(3);
        assertThat(budget.available()).isEqualTo(3);
    }

    @Test
    void partlyWrittenChunksOfAnIdleFileAreUploadedWhenMemoryRunsShort() throws Exception {
        DataPath shared = path(2);
        OpenFile idle = new OpenFile(1, 0, shared);
        OpenFile busy = new OpenFile(2, 0, shared);
        byte[] small = random(10, 16);
        write(idle, 0, small); // holds one buffer and stays open
        byte[] big = random(6 * CS, 17);
        write(busy, 0, big); // needs more than the one buffer left

        busy.flush();
        assertThat(store.content(2)).isEqualTo(big);
        assertThat(read(idle, 0, 100)).isEqualTo(small); // still readable after being pushed out
        write(idle, 10, small); // and writable: read-modify-write of the chunk just uploaded
        idle.flush();
        byte[] both = new byte[20];
        System.arraycopy(small, 0, both, 0, 10);
        System.arraycopy(small, 0, both, 10, 10);
        assertThat(store.content(1)).isEqualTo(both);
        assertThat(budget.available()).isEqualTo(2);
    }

    @Test
    void aWriterGivesUpWithEioWhenNoBufferComesFreeInTime() throws Exception {
        store.uploadGate = new CountDownLatch(1); // uploads hang
        DataPath p = new DataPath(store, new ChunkCache(4, store::fetch, readAhead),
                new DirtyBudget(2, Duration.ofMillis(300)), uploads, new DataLimits(CS, 2, 4, 1, 2), committed::add);
        OpenFile f = new OpenFile(1, 0, p);
        assertThatThrownBy(() -> write(f, 0, random(4 * CS, 18))).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.EIO));
    }

    @Test
    void fsyncSyncsEveryChunkWrittenSinceTheLastOne() throws Exception {
        OpenFile f = open(1, 8);
        write(f, 0, random(3 * CS, 19));
        f.fsync();
        assertThat(store.synced.get()).isEqualTo(3);
        f.fsync();
        assertThat(store.synced.get()).isEqualTo(3);
        write(f, 0, new byte[1]);
        f.fsync();
        assertThat(store.synced.get()).isEqualTo(4);
    }

    @Test
    void manyChunksAreCommittedInBatchesBeforeTheFlush() throws Exception {
        OpenFile f = open(1, 8);
        byte[] data = random((FileChunks.COMMIT_BATCH + 10) * CS, 20);
        write(f, 0, data);
        Eventually.await("a batch is committed", Duration.ofSeconds(5), () -> {
            write(f, data.length, new byte[1]); // the batch commit comes with a later write
            return store.commits.get();
        }, n -> n > 0);
        assertThat(store.commitLog.get(0).size()).isEqualTo(-1); // grow only: the final size comes at flush
        f.flush();
        assertThat(Arrays.copyOf(store.content(1), data.length)).isEqualTo(data);
    }

    @Test
    void closingReleasesTheBuffersEvenWhenTheLastFlushFails() throws Exception {
        store.uploadFailure.set(new CairnException(ErrorCode.EIO, "down"));
        OpenFiles files = new OpenFiles(path(4));
        OpenFile f = files.open(1, 0);
        write(f, 0, random(10, 21));
        files.release(f);
        assertThat(budget.available()).isEqualTo(4);
        assertThat(files.size()).isZero();
    }

    @Test
    void anotherOpenSeesTheMastersNewSizeOnlyWhenNothingIsPendingHere() throws Exception {
        OpenFiles files = new OpenFiles(path(4));
        OpenFile f = files.open(1, 10);
        assertThat(files.open(1, 20)).isSameAs(f);
        assertThat(f.size()).isEqualTo(20); // close-to-open: the master's view
        write(f, 0, new byte[30]);
        files.open(1, 5);
        assertThat(f.size()).isEqualTo(30); // this mount's pending writes win
        files.release(f);
        files.release(f);
        assertThat(files.get(1)).isSameAs(f);
        files.release(f);
        assertThat(files.get(1)).isNull();
        assertThat(store.sizes.get(1L)).isEqualTo(30);
    }

    @Test
    void sequentialReadsFetchTheNextChunksAhead() throws Exception {
        store.putFile(1, random(8 * CS, 22));
        OpenFile f = open(1, 8);
        byte[] out = new byte[CS];
        f.read(0, CS, ByteSink.of(out), 2);
        Eventually.await("the next two chunks are fetched ahead", Duration.ofSeconds(5), () -> store.fetches.get() >= 3);
        int before = store.fetches.get();
        f.read(CS, CS, ByteSink.of(out), 0);
        f.read(2 * CS, CS, ByteSink.of(out), 0);
        assertThat(store.fetches.get()).isEqualTo(before); // both came from the read-ahead
    }

    @Test
    void aRandomReadFetchesOnlyTheBlocksItTouchesAndASequentialOneWholeChunks() throws Exception {
        int cs = 1 << 20;
        FakeChunkService big = new FakeChunkService(cs);
        byte[] data = random(3 * cs + 1000, 23);
        big.putFile(1, data);
        OpenFile f = new OpenFile(1, data.length, new DataPath(big, new ChunkCache(4, big::fetch, readAhead),
                new DirtyBudget(8, Duration.ofSeconds(5)), uploads, new DataLimits(cs, 8, 4, 1, 2), committed::add));
        Random r = new Random(5);
        for (int i = 0; i < 50; i++) {
            long off = (long) r.nextInt(data.length / 4096) * 4096;
            assertThat(read(f, off, 4096)).isEqualTo(Arrays.copyOfRange(data, (int) off, (int) Math.min(data.length, off + 4096)));
        }
        assertThat(big.fetches.get()).as("whole chunks fetched").isZero();
        assertThat(big.rangeFetches.get()).isEqualTo(50);
        assertThat(big.rangeBytes.get()).as("bytes moved for 50 reads of 4 KiB").isLessThanOrEqualTo(50L * 64 * 1024);

        // across a block boundary: both blocks, no more
        long before = big.rangeBytes.get();
        assertThat(read(f, 65536 - 100, 200)).isEqualTo(Arrays.copyOfRange(data, 65536 - 100, 65536 + 100));
        assertThat(big.rangeBytes.get() - before).isEqualTo(2 * 65536);
        // the short last block of the last chunk, and past the end
        assertThat(read(f, data.length - 10, 4096)).isEqualTo(Arrays.copyOfRange(data, data.length - 10, data.length));

        byte[] out = new byte[4096];
        f.read(0, 4096, ByteSink.of(out), 1); // sequential: the whole chunk, kept, and the next fetched ahead
        assertThat(out).isEqualTo(Arrays.copyOf(data, 4096));
        Eventually.await("the chunk and the next one fetched whole", Duration.ofSeconds(5), () -> big.fetches.get() == 2);
    }
}
