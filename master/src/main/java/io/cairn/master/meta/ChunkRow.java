package io.cairn.master.meta;

/** Chunk {@code index} of inode {@code inode}: blob {@code id} of {@code size} bytes, of which {@code length} are used. */
public record ChunkRow(long inode, long index, String id, long size, long length, long crc32c) {
}
