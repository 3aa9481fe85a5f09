package io.cairn.master.meta;

/**
 * Slice {@code seq} over chunk {@code index} of inode {@code inode}: {@code length} bytes of blob
 * {@code id} (of {@code size} bytes), from its byte {@code off}, lying over the chunk from byte
 * {@code at} on. A higher {@code seq} lies over a lower one; one blob may hold several slices of
 * one chunk (the ranges one buffer wrote), and is garbage once no slice uses it.
 */
public record SliceRow(long inode, long index, long seq, String id, long at, long off, long size, long length,
                       long crc32c) {
    /** Where its bytes end within the chunk. */
    public long end() {
        return at + length;
    }
}
