package io.cairn.mount.file;

/**
 * How much memory and concurrency the data path may use, all derived in one place from the chunk
 * size and the heap: a mount-wide cap on dirty chunk buffers (a writer that reaches it waits for
 * uploads), the read cache's size, how far sequential reads fetch ahead, and how many chunks upload
 * at once. Buffers take at most about half the heap, so a small heap (-Xmx128m) still works.
 */
public record DataLimits(int chunkSize, int dirtyChunks, int cacheChunks, int readAheadChunks, int uploadThreads) {
    /** Dirty (written, not yet uploaded) and uploading chunk buffers of the whole mount, at most. */
    public static final long DIRTY_BYTES = 64L << 20;
    /** Whole chunks kept for reading, at most. */
    public static final long CACHE_BYTES = 32L << 20;
    /** Shares of the heap that dirty buffers and the read cache may take. */
    static final double DIRTY_HEAP_SHARE = 0.35;
    static final double CACHE_HEAP_SHARE = 0.15;
    /** How far ahead a sequential reader's chunks are fetched. */
    public static final long READ_AHEAD_BYTES = 8L << 20;
    public static final int UPLOAD_THREADS = 4;

    public DataLimits {
        if (chunkSize <= 0 || dirtyChunks < 2 || cacheChunks < 2 || readAheadChunks < 0 || uploadThreads < 1) {
            throw new IllegalArgumentException("bad data limits: " + chunkSize + "/" + dirtyChunks + "/"
                    + cacheChunks + "/" + readAheadChunks + "/" + uploadThreads);
        }
    }

    /** The limits for this cluster's chunk size in this JVM's heap. */
    public static DataLimits forChunkSize(long chunkSize) {
        return of(chunkSize, Runtime.getRuntime().maxMemory());
    }

    public static DataLimits of(long chunkSize, long maxHeap) {
        if (chunkSize <= 0 || chunkSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("chunk size out of range: " + chunkSize);
        }
        long dirtyBytes = Math.min(DIRTY_BYTES, (long) (maxHeap * DIRTY_HEAP_SHARE));
        long cacheBytes = Math.min(CACHE_BYTES, (long) (maxHeap * CACHE_HEAP_SHARE));
        int dirty = (int) Math.max(4, dirtyBytes / chunkSize);
        int readAhead = (int) Math.max(1, Math.min(4, READ_AHEAD_BYTES / chunkSize));
        int cache = (int) Math.max(readAhead + 2, cacheBytes / chunkSize);
        return new DataLimits((int) chunkSize, dirty, cache, readAhead, UPLOAD_THREADS);
    }
}
