package io.cairn.datanode.store;

/** A chunk's size and CRC32C, as recorded in its sidecar when it was stored. */
public record ChunkSum(long size, long crc32c) {
}
