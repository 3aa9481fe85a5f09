package io.cairn.mount.file;

import io.cairn.common.wire.Attr;
import io.cairn.mount.cache.ChunkCache;
import io.cairn.testing.Eventually;
import io.cairn.testing.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No network call runs under a lock that other calls of the mount need: while one caller waits for
 * a slow master or datanode (a chunk-list page, the old bytes of a chunk being rewritten), opening
 * the same file, asking its size (getattr) and opening other files all answer at once.
 */
@Timeout(30)
class OpenFileLocksTest {
    private static final int CS = 64;
    private final FakeChunkService store = new FakeChunkService(CS);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<Attr> committed = new CopyOnWriteArrayList<>();
    private final OpenFiles files = new OpenFiles(new DataPath(store, new ChunkCache(4, store::fetch, pool),
            new DirtyBudget(8, Duration.ofSeconds(5)), pool, new DataLimits(CS, 8, 4, 1, 2), committed::add));

    @AfterEach
    void stop() {
        for (CountDownLatch gate : new CountDownLatch[] {store.layoutGate, store.fetchGate, store.uploadGate}) {
            if (gate != null) {
                gate.countDown();
            }
        }
        pool.shutdownNow();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Starts {@code call} on a thread of its own and waits until some thread is stuck in the fake cluster's {@code method}. */
    private Future<?> stuckIn(String method, Callable call) {
        Future<?> f = pool.submit(() -> {
            call.run();
            return null;
        });
        Eventually.await("a caller waits in the cluster's " + method, Duration.ofSeconds(5),
                () -> Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> Threads.waitingUnder(t, FakeChunkService.class, method)));
        return f;
    }

    @FunctionalInterface
    private interface Callable {
        void run() throws Exception;
    }

    /** What getattr and open of the mount do with an open file: they must answer within a second. */
    private void othersAnswer(OpenFile f, long inode, long size) throws Exception {
        Future<?> others = pool.submit(() -> {
            f.hasLocalChanges(); // getattr of the file
            f.size();
            files.release(files.open(inode, size)); // another open of the same file
            files.release(files.open(inode + 100, 0)); // an open of another file
            return null;
        });
        others.get(1, TimeUnit.SECONDS);
    }

    @Test
    void aReadWaitingForTheChunkListHoldsUpNoOtherCallerOfTheMount() throws Exception {
        byte[] data = random(3 * CS, 1);
        store.putFile(1, data);
        OpenFile f = files.open(1, data.length);
        store.layoutGate = new CountDownLatch(1);
        Future<?> read = stuckIn("layout", () -> f.read(CS + 3, 10, ByteSink.of(new byte[10]), 0));

        othersAnswer(f, 1, data.length);

        store.layoutGate.countDown();
        read.get(5, TimeUnit.SECONDS);
        byte[] out = new byte[10];
        f.read(CS + 3, 10, ByteSink.of(out), 0);
        assertThat(out).isEqualTo(java.util.Arrays.copyOfRange(data, CS + 3, CS + 13));
    }

    @Test
    void aReadWaitingForTheOldBytesUnderAWrittenChunkHoldsUpNoOtherCallerOfTheMount() throws Exception {
        byte[] data = random(3 * CS, 2);
        store.putFile(1, data);
        OpenFile f = files.open(1, data.length);
        byte[] patch = random(5, 3);
        // dd conv=notrunc seek=70: into the middle of chunk 1 (fetches nothing), then a read around it
        f.write(CS + 6, patch.length, ByteSource.of(patch), false);
        store.fetchGate = new CountDownLatch(1);
        byte[] got = new byte[20];
        // a random read (no read-ahead): the old bytes around it come in a ranged fetch, not the whole chunk
        Future<?> read = stuckIn("fetchRange", () -> f.read(CS, 20, ByteSink.of(got), 0));

        othersAnswer(f, 1, data.length);

        store.fetchGate.countDown();
        read.get(5, TimeUnit.SECONDS);
        byte[] expected = data.clone();
        System.arraycopy(patch, 0, expected, CS + 6, patch.length);
        assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(expected, CS, CS + 20));
        f.flush();
        assertThat(store.content(1)).isEqualTo(expected);
    }

    @Test
    void anUploadWaitingForTheOldBytesOfAPartlyRewrittenChunkHoldsUpNoOtherCallerOfTheMount() throws Exception {
        byte[] data = random(3 * CS, 4);
        store.putFile(1, data);
        OpenFile f = files.open(1, data.length);
        byte[] head = random(CS / 2, 5); // too much of the chunk for a slice: the upload merges the old bytes
        f.write(0, head.length, ByteSource.of(head), false); // from the chunk's start: nothing fetched yet
        store.fetchGate = new CountDownLatch(1);
        Future<?> flush = stuckIn("fetch", f::flush); // the upload needs the rest of the old chunk

        othersAnswer(f, 1, data.length);

        store.fetchGate.countDown();
        flush.get(5, TimeUnit.SECONDS);
        byte[] expected = data.clone();
        System.arraycopy(head, 0, expected, 0, head.length);
        assertThat(store.content(1)).isEqualTo(expected);
    }
}
