package io.cairn.common.wire;

import java.util.List;

/** A page of a file's chunk list: chunks with index in [from, from + limit), sorted by index. */
public record FileLayout(long inode, long size, long chunkSize, List<ChunkRef> chunks, Long next) {
}
