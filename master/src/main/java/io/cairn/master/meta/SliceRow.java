package io.cairn.master.meta;

/**
 * Slice {@code seq} over chunk {@code index} of inode {@code inode}: blob {@code id} of {@code size}
 * bytes, of which the first {@code length} lie over the chunk from byte {@code at} on. A higher
 * {@code seq} lies over a lower one.
 */
public record SliceRow(long inode, long index, long seq, String id, long at, long size, long length, long crc32c) {
    /** Where its bytes end within the chunk. */
    public long end() {
        return at + length;
    }
}
