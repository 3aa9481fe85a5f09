package io.cairn.common.wire;

/** Sizes every part of Cairn agrees on: what a writer may send, a datanode accepts and a file may grow to. */
public final class Limits {
    /** The largest chunk a datanode stores (64 MiB); a larger one is refused with EFBIG. */
    public static final int MAX_CHUNK = 64 << 20;

    /**
     * The largest file (1 EiB, 2^60 bytes): a size, or a write or read offset plus its length,
     * past it is refused with EFBIG. Far below 2^63, so that sums of sizes and offsets never
     * wrap around.
     */
    public static final long MAX_FILE_SIZE = 1L << 60;

    private Limits() {
    }
}
