package io.cairn.mount.cache;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.ChunkRef;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whole chunks by id, least recently used first out. Chunks never change once written, so an entry
 * is valid for as long as it stays. Two readers of one chunk share one fetch; a prefetch runs on the
 * read-ahead pool while a demand miss is fetched on the caller's own thread.
 *
 * <p>Memory is bounded: at most {@code capacity} fetched chunks, plus at most
 * {@code maxPrefetches} read-ahead fetches under way (a prefetch asked for beyond that is skipped:
 * read-ahead is a hint), plus the demand misses being fetched by their readers. A reader waits for
 * a fetch another started at most {@code maxWait}, then gets EIO (the fetch itself has its own
 * deadlines and goes on).
 *
 * <p>A read-ahead fetch still waiting for a thread of the pool (all of them busy, say, on a slow
 * datanode's chunks) is taken over by the first reader that needs it: that reader fetches on its
 * own thread at once, and the queued task finds the work done and does nothing. So a read of a
 * file whose chunks are on healthy nodes never waits behind read-ahead stuck elsewhere.
 */
public final class ChunkCache {
    /** How long a reader waits for a fetch under way when no bound is given. */
    static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);

    /** The bytes of a chunk: {@code bytes[0..length)} are the stored blob ({@code bytes} may be longer). */
    public record Blob(byte[] bytes, int length) {
    }

    /** Fetches a whole chunk from its replicas. */
    @FunctionalInterface
    public interface Fetcher {
        byte[] fetch(ChunkRef chunk) throws IOException;
    }

    private final int capacity;
    private final int maxPrefetches;
    private final long maxWaitNanos;
    private final Fetcher fetcher;
    private final Executor readAhead;
    /** Access-ordered: the eldest entry is the least recently used. Guarded by itself. */
    private final LinkedHashMap<String, CompletableFuture<Blob>> entries = new LinkedHashMap<>(16, 0.75f, true);
    /** Read-ahead fetches queued for the pool and not yet begun, by chunk id. Guarded by {@link #entries}. */
    private final Map<String, AtomicBoolean> queued = new java.util.HashMap<>();
    /** Read-ahead fetches started and not yet done. Guarded by {@link #entries}. */
    private int prefetching;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /** A cache of {@code capacity} chunks, read-ahead capped at half of that, waits at most 5 minutes. */
    public ChunkCache(int capacity, Fetcher fetcher, Executor readAhead) {
        this(capacity, Math.max(1, capacity / 2), DEFAULT_WAIT, fetcher, readAhead);
    }

    public ChunkCache(int capacity, int maxPrefetches, Duration maxWait, Fetcher fetcher, Executor readAhead) {
        this.capacity = Math.max(1, capacity);
        this.maxPrefetches = Math.max(1, maxPrefetches);
        this.maxWaitNanos = maxWait.toNanos();
        this.fetcher = fetcher;
        this.readAhead = readAhead;
    }

    /** The chunk's bytes, from the cache or fetched now. */
    public Blob get(ChunkRef chunk) throws IOException {
        CompletableFuture<Blob> f;
        boolean mine = false;
        boolean takenOver = false;
        synchronized (entries) {
            f = entries.get(chunk.id());
            if (f == null) {
                f = new CompletableFuture<>();
                entries.put(chunk.id(), f);
                mine = true;
                evict();
            } else {
                AtomicBoolean begun = queued.remove(chunk.id());
                takenOver = begun != null && begun.compareAndSet(false, true);
            }
        }
        if (mine) {
            misses.incrementAndGet();
            load(chunk, f, false);
        } else if (takenOver) {
            misses.incrementAndGet(); // a read-ahead that had not begun: this reader fetches it now
            load(chunk, f, true);
        } else {
            hits.incrementAndGet();
        }
        return await(f, chunk);
    }

    /**
     * Starts fetching a chunk in the background unless it is cached or on its way, or as many
     * read-ahead fetches as allowed are under way already (then it is skipped).
     */
    public void prefetch(ChunkRef chunk) {
        CompletableFuture<Blob> fetch = new CompletableFuture<>();
        AtomicBoolean begun = new AtomicBoolean();
        synchronized (entries) {
            if (prefetching >= maxPrefetches || entries.containsKey(chunk.id())) {
                return;
            }
            entries.put(chunk.id(), fetch);
            queued.put(chunk.id(), begun);
            prefetching++;
            evict();
        }
        try {
            readAhead.execute(() -> {
                synchronized (entries) {
                    queued.remove(chunk.id(), begun);
                }
                if (begun.compareAndSet(false, true)) {
                    load(chunk, fetch, true);
                } // else a reader took it over and fetches (or fetched) it itself
            });
        } catch (RejectedExecutionException e) {
            synchronized (entries) {
                queued.remove(chunk.id(), begun);
            }
            if (begun.compareAndSet(false, true)) { // not taken over by a reader meanwhile
                synchronized (entries) {
                    prefetching--;
                }
                forget(chunk.id(), fetch);
                fetch.completeExceptionally(e);
            }
        }
    }

    /** Adds bytes this mount has just written as chunk {@code id} (so reading them back costs nothing). */
    public void put(String id, byte[] bytes, int length) {
        synchronized (entries) {
            entries.put(id, CompletableFuture.completedFuture(new Blob(bytes, length)));
            evict();
        }
    }

    /** The chunk's bytes if they are here now (nothing is fetched), else null. */
    public Blob peek(String id) {
        synchronized (entries) {
            CompletableFuture<Blob> f = entries.get(id);
            return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
        }
    }

    /** Whether the chunk is here or on its way (a reader of it would wait for that fetch, not start one). */
    public boolean holds(String id) {
        synchronized (entries) {
            CompletableFuture<Blob> f = entries.get(id);
            return f != null && !f.isCompletedExceptionally();
        }
    }

    public boolean contains(String id) {
        return peek(id) != null;
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** Read-ahead fetches under way now. */
    public int prefetching() {
        synchronized (entries) {
            return prefetching;
        }
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    private void load(ChunkRef chunk, CompletableFuture<Blob> f, boolean prefetch) {
        try {
            byte[] bytes = fetcher.fetch(chunk);
            f.complete(new Blob(bytes, bytes.length));
        } catch (IOException | RuntimeException e) {
            forget(chunk.id(), f); // a failed fetch is not cached: the next read tries again
            f.completeExceptionally(e);
        } finally {
            if (prefetch) {
                synchronized (entries) {
                    prefetching--;
                }
            }
        }
    }

    private void forget(String id, CompletableFuture<Blob> f) {
        synchronized (entries) {
            entries.remove(id, f);
        }
    }

    /** Drops the least recently used finished entries while over capacity; fetches under way stay. */
    private void evict() {
        int excess = entries.size() - capacity;
        for (Iterator<Map.Entry<String, CompletableFuture<Blob>>> it = entries.entrySet().iterator();
             excess > 0 && it.hasNext(); ) {
            if (it.next().getValue().isDone()) {
                it.remove();
                excess--;
            }
        }
    }

    private Blob await(CompletableFuture<Blob> f, ChunkRef chunk) throws IOException {
        try {
            return f.get(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new CairnException(ErrorCode.EIO, "chunk " + chunk.index() + " (" + chunk.id() + ") did not arrive within "
                    + TimeUnit.NANOSECONDS.toSeconds(maxWaitNanos) + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a chunk");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException(c);
        }
    }
}
