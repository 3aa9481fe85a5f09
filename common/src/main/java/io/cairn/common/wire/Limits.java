package io.cairn.common.wire;

/** Sizes every part of Cairn agrees on: what a writer may send and a datanode accepts. */
public final class Limits {
    /** The largest chunk a datanode stores (64 MiB); a larger one is refused with EFBIG. */
    public static final int MAX_CHUNK = 64 << 20;

    private Limits() {
    }
}
