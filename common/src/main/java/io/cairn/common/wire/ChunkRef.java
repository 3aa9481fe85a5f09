package io.cairn.common.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;

/**
 * Chunk {@code index} of a file. {@code size} is the stored blob's length (what {@code crc32c}
 * covers); {@code length} is how much of it the file uses (smaller after a truncate), and the bytes
 * of the chunk's range past {@code length} read as zeros.
 *
 * <p>A chunk may carry {@code slices}: small blobs written over it later, in the order they were
 * written, each a {@code ChunkRef} of its own whose {@code at} says where in the chunk its bytes go
 * (a random write uploads only its bytes, not the whole chunk again). The chunk reads as its own
 * bytes with each slice's first {@code length} bytes laid over them, the later over the earlier.
 * {@code at} is null for a whole chunk; {@code slices} is null when there are none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChunkRef(long index, String id, long size, long length, long crc32c, List<Replica> replicas,
                       Integer at, List<ChunkRef> slices) {

    /** A whole chunk with no slices over it. */
    public ChunkRef(long index, String id, long size, long length, long crc32c, List<Replica> replicas) {
        this(index, id, size, length, crc32c, replicas, null, null);
    }

    /** Whether this is a slice laid over a chunk, not a chunk. */
    public boolean isSlice() {
        return at != null;
    }

    /** The slices over this chunk, oldest first (empty when none). */
    public List<ChunkRef> sliceList() {
        return slices == null ? List.of() : slices;
    }

    /** This chunk or slice on other replicas. */
    public ChunkRef withReplicas(List<Replica> r) {
        return new ChunkRef(index, id, size, length, crc32c, r, at, slices);
    }

    /** This chunk or slice using {@code n} of its bytes. */
    public ChunkRef withLength(long n) {
        return new ChunkRef(index, id, size, n, crc32c, replicas, at, slices);
    }

    /** This chunk with {@code s} as its slices (null or empty: none). */
    public ChunkRef withSlices(List<ChunkRef> s) {
        return new ChunkRef(index, id, size, length, crc32c, replicas, at, s == null || s.isEmpty() ? null : List.copyOf(s));
    }

    /** This chunk with one more slice on top. */
    public ChunkRef plusSlice(ChunkRef s) {
        List<ChunkRef> all = new ArrayList<>(sliceList());
        all.add(s);
        return withSlices(all);
    }

    /** This chunk as a slice at {@code offset} of its chunk. */
    public ChunkRef asSliceAt(int offset) {
        return new ChunkRef(index, id, size, length, crc32c, replicas, offset, null);
    }

    /** Where the bytes of this chunk or slice end within the chunk's range. */
    public long end() {
        return (at == null ? 0 : at) + length;
    }
}
