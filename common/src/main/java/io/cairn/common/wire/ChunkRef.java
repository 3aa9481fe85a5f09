package io.cairn.common.wire;

import java.util.List;

/**
 * Chunk {@code index} of a file. {@code size} is the stored blob's length (what {@code crc32c}
 * covers); {@code length} is how much of it the file uses (smaller after a truncate), and the bytes
 * of the chunk's range past {@code length} read as zeros.
 */
public record ChunkRef(long index, String id, long size, long length, long crc32c, List<Replica> replicas) {
}
