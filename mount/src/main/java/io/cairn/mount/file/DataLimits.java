package io.cairn.mount.file;

/**
 * How much memory and concurrency the data path may use, all derived from the chunk size in one
 * place: a mount-wide cap on dirty chunk buffers (a writer that reaches it waits for uploads), the
 * read cache's size, how far sequential reads fetch ahead, and how many chunks upload at once.
 */
public record DataLimits(int chunkSize, int dirtyChunks, int cacheChunks, int readAheadChunks, int uploadThreads) {
    /** Dirty (written, not yet uploaded) and uploading chunk buffers of the whole mount. */
    public static final long DIRTY_BYTES = 64L << 20;
    /** Whole chunks kept for reading. */
    public static final long CACHE_BYTES = 32L << 20;
    /** How far ahead a sequential reader's chunks are fetched. */
    public static final long READ_AHEAD_BYTES = 8L << 20;
    public static final int UPLOAD_THREADS = 4;

    public DataLimits {
        if (chunkSize <= 0 || dirtyChunks < 2 || cacheChunks < 2 || readAheadChunks < 0 || uploadThreads < 1) {
            throw new IllegalArgumentException("bad data limits: " + chunkSize + "/" + dirtyChunks + "/"
                    + cacheChunks + "/" + readAheadChunks + "/" + uploadThreads);
        }
    }

    public static DataLimits forChunkSize(long chunkSize) {
        if (chunkSize <= 0 || chunkSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("chunk size out of range: " + chunkSize);
        }
        int dirty = (int) Math.max(4, DIRTY_BYTES / chunkSize);
        int readAhead = (int) Math.max(1, Math.min(4, READ_AHEAD_BYTES / chunkSize));
        int cache = (int) Math.max(readAhead + 2, CACHE_BYTES / chunkSize);
        return new DataLimits((int) chunkSize, dirty, cache, readAhead, UPLOAD_THREADS);
    }
}
