package io.cairn.mount;

import io.cairn.common.client.ChunkReader;
import io.cairn.common.wire.ChunkRef;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Whole chunks recently read or written, by chunk id (chunks are immutable, so an id's bytes never
 * change), in a small LRU. Sequential readers fetch the next chunk ahead through {@link #prefetch}.
 */
final class ChunkCache {
    private final ChunkReader reader;
    private final ExecutorService pool;
    private final int maxEntries;
    private final Map<String, CompletableFuture<byte[]>> entries;

    ChunkCache(ChunkReader reader, ExecutorService pool, int maxEntries) {
        this.reader = reader;
        this.pool = pool;
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<byte[]>> eldest) {
                return size() > ChunkCache.this.maxEntries;
            }
        };
    }

    private synchronized CompletableFuture<byte[]> entry(ChunkRef ref) {
        CompletableFuture<byte[]> f = entries.get(ref.id());
        if (f == null || f.isCompletedExceptionally()) {
            f = CompletableFuture.supplyAsync(() -> {
                try {
                    return reader.read(ref);
                } catch (IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, pool);
            entries.put(ref.id(), f);
        }
        return f;
    }

    /** The chunk's bytes (its stored blob, {@code ref.size()} long), fetched and verified if not cached. */
    byte[] get(ChunkRef ref) throws IOException {
        try {
            return entry(ref).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        } catch (ExecutionException e) {
            synchronized (this) {
                entries.remove(ref.id());
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    void prefetch(ChunkRef ref) {
        entry(ref);
    }

    /** Offers bytes just written as chunk {@code id}, so reading them back needs no fetch. */
    synchronized void put(String id, byte[] data) {
        entries.put(id, CompletableFuture.completedFuture(data));
    }
}
