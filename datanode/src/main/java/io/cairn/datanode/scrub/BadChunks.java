package io.cairn.datanode.scrub;

/**
 * Where a chunk found bad outside a scrub pass goes (a read whose block did not match its sidecar):
 * the {@link Scrubber} takes it as if its own pass had found it, and reports it to the master.
 */
@FunctionalInterface
public interface BadChunks {
    /** Nowhere: for callers that have no scrubber to tell. */
    BadChunks NONE = (chunkId, detail) -> { };

    /** Chunk {@code chunkId} is bad; {@code detail} says what is wrong. Does not wait. */
    void found(String chunkId, String detail);
}
