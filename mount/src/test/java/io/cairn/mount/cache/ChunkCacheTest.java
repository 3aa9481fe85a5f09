package io.cairn.mount.cache;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.ChunkRef;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class ChunkCacheTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger fetches = new AtomicInteger();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static ChunkRef ref(int i) {
        return new ChunkRef(i, "c" + i, 3, 3, 0, List.of());
    }

    private byte[] fetch(ChunkRef r) {
        fetches.incrementAndGet();
        return r.id().getBytes();
    }

    @Test
    void theLeastRecentlyUsedChunkGoesFirst() throws Exception {
        ChunkCache c = new ChunkCache(2, this::fetch, pool);
        c.get(ref(1));
        c.get(ref(2));
        c.get(ref(1)); // 2 is now the eldest
        c.get(ref(3));
        assertThat(c.contains("c1")).isTrue();
        assertThat(c.contains("c2")).isFalse();
        assertThat(c.size()).isEqualTo(2);
        assertThat(fetches.get()).isEqualTo(3);
        assertThat(c.hits()).isEqualTo(1);
    }

    @Test
    void twoReadersOfOneChunkShareOneFetch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ChunkCache c = new ChunkCache(4, r -> {
            fetches.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            return new byte[] {1};
        }, pool);
        Future<?> a = pool.submit(() -> c.get(ref(1)));
        Future<?> b = pool.submit(() -> c.get(ref(1)));
        Eventually.await("both readers are in: one fetching, one waiting for that fetch", Duration.ofSeconds(5),
                () -> c.misses() == 1 && c.hits() == 1);
        release.countDown();
        a.get(5, TimeUnit.SECONDS);
        b.get(5, TimeUnit.SECONDS);
        assertThat(fetches.get()).isEqualTo(1);
    }

    @Test
    void aFailedFetchIsNotCachedSoTheNextReadTriesAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ChunkCache c = new ChunkCache(4, r -> {
            if (calls.incrementAndGet() == 1) {
                throw new CairnException(ErrorCode.EIO, "no readable replica");
            }
            return new byte[] {7};
        }, pool);
        assertThatThrownBy(() -> c.get(ref(1))).isInstanceOf(CairnException.class);
        assertThat(c.get(ref(1)).bytes()).containsExactly(7);
    }

    @Test
    void aPrefetchedChunkIsServedWithoutAnotherFetch() throws Exception {
        ChunkCache c = new ChunkCache(4, this::fetch, pool);
        c.prefetch(ref(5));
        c.prefetch(ref(5));
        assertThat(c.get(ref(5)).length()).isEqualTo(2);
        assertThat(fetches.get()).isEqualTo(1);
    }

    @Test
    void writtenChunksCanBeReadBackWithoutAFetch() throws Exception {
        ChunkCache c = new ChunkCache(4, this::fetch, pool);
        c.put("c9", new byte[] {1, 2, 3, 0, 0}, 3);
        ChunkCache.Blob b = c.get(ref(9));
        assertThat(b.length()).isEqualTo(3);
        assertThat(fetches.get()).isZero();
    }

    @Test
    void readAheadFetchesInFlightAreCappedSoTheirMemoryIsBounded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        java.util.concurrent.Executor counting = task -> {
            started.incrementAndGet();
            pool.execute(task);
        };
        ChunkCache c = new ChunkCache(8, r -> {
            fetches.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            return new byte[1 << 20];
        }, counting);
        for (int i = 0; i < 50; i++) { // many sequential readers, or one far ahead: each asks for more
            c.prefetch(ref(i));
        }
        // the cap is half the cache: at most 4 fetches under way, each about to hold a chunk
        assertThat(started.get()).as("read-ahead fetches started").isEqualTo(4);
        assertThat(c.size()).as("entries, fetched or on their way").isLessThanOrEqualTo(8);

        release.countDown();
        Eventually.await("the read-ahead fetches are done", Duration.ofSeconds(5), () -> fetches.get() == 4 && c.contains("c3"));
        c.prefetch(ref(100)); // room again
        Eventually.await("a later read-ahead runs", Duration.ofSeconds(5), () -> c.contains("c100"));
        assertThat(started.get()).isEqualTo(5);
    }

    @Test
    void aReaderTakesOverAReadAheadStillWaitingForAThreadInsteadOfQueuingBehindIt() throws Exception {
        // one read-ahead thread, stuck on a slow datanode's chunk; the next prefetch waits in its queue
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            ChunkCache c = new ChunkCache(8, 4, Duration.ofSeconds(30), r -> {
                fetches.incrementAndGet();
                if (r.id().equals("c1")) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                return r.id().getBytes();
            }, one);
            c.prefetch(ref(1));
            Eventually.await("the slow read-ahead holds the only thread", Duration.ofSeconds(5), () -> fetches.get() == 1);
            c.prefetch(ref(2));
            assertThat(c.holds("c1")).as("on its way").isTrue();
            assertThat(c.contains("c1")).as("not here yet").isFalse();
            assertThat(c.holds("c3")).isFalse();
            long t0 = System.nanoTime();
            assertThat(c.get(ref(2)).bytes()).containsExactly('c', '2');
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for a chunk whose read-ahead had not begun")
                    .isLessThan(2_000);
            assertThat(c.prefetching()).as("the taken-over read-ahead is counted done").isEqualTo(1);

            release.countDown();
            Eventually.await("the slow read-ahead ends", Duration.ofSeconds(5), () -> c.prefetching() == 0);
            one.submit(() -> { }).get(5, TimeUnit.SECONDS); // the queued task has run (and found nothing to do)
            assertThat(fetches.get()).as("chunk 2 was fetched once, by its reader").isEqualTo(2);
            assertThat(c.get(ref(1)).bytes()).containsExactly('c', '1');
        } finally {
            one.shutdownNow();
        }
    }
}
