package io.cairn.datanode.store;

import io.cairn.common.checksum.BlockSums;

import java.util.Arrays;

/**
 * A chunk's size and CRC32C, as recorded in its sidecar when it was stored, and the CRC32C of each
 * of its {@link BlockSums#BLOCK}-byte blocks when the sidecar has them (version 2; null for a
 * version 1 sidecar). The block sums are copied in and out: a sum is immutable.
 */
public record ChunkSum(long size, long crc32c, long[] blocks) {
    public ChunkSum {
        if (blocks != null) {
            if (blocks.length != BlockSums.count(size)) {
                throw new IllegalArgumentException(blocks.length + " block sums for " + size + " bytes, "
                        + BlockSums.count(size) + " expected");
            }
            blocks = blocks.clone();
        }
    }

    /** A sum without block sums (what a version 1 sidecar holds). */
    public ChunkSum(long size, long crc32c) {
        this(size, crc32c, null);
    }

    /** The CRC32C of each block, or null when not recorded. */
    @Override
    public long[] blocks() {
        return blocks == null ? null : blocks.clone();
    }

    /** Whether the block sums are recorded. */
    public boolean hasBlocks() {
        return blocks != null;
    }

    /** The CRC32C of blocks {@code [from, from + count)}; the block sums must be recorded. */
    long[] blocks(int from, int count) {
        return Arrays.copyOfRange(blocks, from, Math.addExact(from, count));
    }

    /** The CRC32C of block {@code i}; the block sums must be recorded. */
    long block(int i) {
        return blocks[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkSum s && size == s.size && crc32c == s.crc32c && Arrays.equals(blocks, s.blocks);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size) * 31 + Long.hashCode(crc32c) * 17 + Arrays.hashCode(blocks);
    }

    @Override
    public String toString() {
        return "ChunkSum[size=" + size + ", crc32c=" + crc32c
                + (blocks == null ? "" : ", blocks=" + BlockSums.toString(blocks)) + "]";
    }
}
