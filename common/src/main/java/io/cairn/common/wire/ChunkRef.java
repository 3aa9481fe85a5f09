package io.cairn.common.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;

/**
 * Chunk {@code index} of a file. {@code size} is the stored blob's length (what {@code crc32c}
 * covers); {@code length} is how much of it the file uses (smaller after a truncate), and the bytes
 * of the chunk's range past {@code length} read as zeros.
 *
 * <p>A chunk may carry {@code slices}: ranges of small blobs written over it later, in the order
 * they were written, each a {@code ChunkRef} of its own: {@code length} bytes of blob {@code id}
 * (of {@code size} bytes, which {@code crc32c} covers) from its byte {@code off}, laid over the
 * chunk at {@code at} (a random write uploads only its bytes, not the whole chunk again; one blob
 * may hold several ranges). The chunk reads as its own bytes with its slices laid over them, the
 * later over the earlier. {@code at} and {@code off} are null for a whole chunk; {@code slices} is
 * null when there are none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChunkRef(long index, String id, long size, long length, long crc32c, List<Replica> replicas,
                       Integer at, List<ChunkRef> slices, Integer off) {

    /** A whole chunk with no slices over it. */
    public ChunkRef(long index, String id, long size, long length, long crc32c, List<Replica> replicas) {
        this(index, id, size, length, crc32c, replicas, null, null, null);
    }

    /** Where in its blob a slice's bytes start (0 for a whole chunk). */
    public int blobOffset() {
        return off == null ? 0 : off;
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
        return new ChunkRef(index, id, size, length, crc32c, r, at, slices, off);
    }

    /** This chunk or slice using {@code n} of its bytes. */
    public ChunkRef withLength(long n) {
        return new ChunkRef(index, id, size, n, crc32c, replicas, at, slices, off);
    }

    /** This chunk with {@code s} as its slices (null or empty: none). */
    public ChunkRef withSlices(List<ChunkRef> s) {
        return new ChunkRef(index, id, size, length, crc32c, replicas, at, s == null || s.isEmpty() ? null : List.copyOf(s),
                off);
    }

    /** This chunk with one more slice on top. */
    public ChunkRef plusSlice(ChunkRef s) {
        List<ChunkRef> all = new ArrayList<>(sliceList());
        all.add(s);
        return withSlices(all);
    }

    /** This blob's bytes {@code [from, from + n)} as a slice at {@code offset} of its chunk. */
    public ChunkRef asSliceAt(int offset, int from, int n) {
        return new ChunkRef(index, id, size, n, crc32c, replicas, offset, null, from == 0 ? null : from);
    }

    /** Where the bytes of this chunk or slice end within the chunk's range. */
    public long end() {
        return (at == null ? 0 : at) + length;
    }
}
