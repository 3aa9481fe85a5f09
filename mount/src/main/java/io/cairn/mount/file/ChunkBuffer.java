package io.cairn.mount.file;

import io.cairn.common.wire.ChunkRef;

import java.util.Arrays;

/**
 * The new content of one chunk of an open file, gathered in memory until it is uploaded as a new
 * chunk. The first chunk of a file starts small and grows with the data (a 4 KiB file does not
 * allocate and zero a whole chunk); later chunks, of files already that big, get a whole one at once.
 * When the chunk already had bytes (its "base"), they are fetched only if needed: writes that start
 * at the chunk's beginning and go on contiguously (the common case: a file rewritten or copied in
 * order) never fetch the old chunk; any other write, a read of bytes not yet rewritten, or the
 * upload of a partly rewritten chunk first merges the base in (read-modify-write).
 * Not thread-safe: its {@link OpenFile} guards it.
 */
final class ChunkBuffer {
    static final int MIN_CAPACITY = 64 << 10;

    final long index;
    private final int chunkSize;
    private byte[] data;
    /** Bytes {@code [0, end)} are the chunk's content: written, or (once merged) from the base, or zeros. */
    private int end;
    /** The old chunk, while not yet merged; null when there was none or it has been merged. */
    private ChunkRef base;
    /** How many bytes of the chunk the file covered when this buffer was made. */
    private final int baseLength;
    /** While the base is pending: bytes {@code [0, prefix)} are new, the rest of the base is not yet here. */
    private int prefix;

    ChunkBuffer(long index, int chunkSize, ChunkRef base, int baseLength) {
        this.index = index;
        this.chunkSize = chunkSize;
        this.data = new byte[index == 0 ? Math.min(chunkSize, MIN_CAPACITY) : chunkSize];
        this.base = base;
        this.baseLength = baseLength;
        this.end = baseLength; // with no base, the covered range is a hole: zeros
    }

    ChunkRef pendingBase() {
        return base;
    }

    /** Whether a write at {@code at} must first merge the old chunk (it is not contiguous with what was written). */
    boolean needsBaseForWrite(int at) {
        return base != null && at > prefix;
    }

    /** Whether reading {@code [from, to)} needs bytes of the old chunk that are not here yet. */
    boolean needsBaseForRead(int from, int to) {
        return base != null && to > prefix && from < baseLength;
    }

    /** Merges the old chunk's bytes ({@code blob[0..valid)}) under the ones already written. */
    void mergeBase(byte[] blob, int valid) {
        int to = Math.min(baseLength, valid);
        if (to > prefix) {
            ensureCapacity(to);
            System.arraycopy(blob, prefix, data, prefix, to - prefix);
        }
        // bytes of [valid, baseLength) stay zero: past the old chunk's used length they read as zeros
        base = null;
    }

    void write(int at, ByteSource src, long srcOffset, int length) {
        if (needsBaseForWrite(at)) {
            throw new IllegalStateException("write at " + at + " before the base of chunk " + index + " is merged");
        }
        ensureCapacity(at + length);
        src.get(srcOffset, data, at, length);
        end = Math.max(end, at + length);
        if (base != null) {
            prefix = Math.max(prefix, at + length);
            if (prefix >= baseLength) {
                base = null; // every old byte has been rewritten: no need to ever fetch the old chunk
            }
        }
    }

    /** Copies {@code [at, at + length)} of the chunk to {@code dst}; bytes never written are zeros. */
    void read(int at, int length, ByteSink dst, long dstOffset) {
        int have = Math.max(0, Math.min(length, data.length - at));
        if (have > 0) {
            dst.put(dstOffset, data, at, have);
        }
        if (have < length) {
            dst.zero(dstOffset + have, length - have);
        }
    }

    /** The bytes to upload as a chunk of {@code length} bytes (the array may be longer). */
    byte[] bytesFor(int length) {
        ensureCapacity(length);
        return data;
    }

    int end() {
        return end;
    }

    int capacity() {
        return data.length;
    }

    /** Every byte of the chunk is here: it can be uploaded without waiting for more writes. */
    boolean isFull() {
        return base == null && end == chunkSize;
    }

    private void ensureCapacity(int n) {
        if (n > data.length) {
            int c = data.length;
            while (c < n) {
                c = (int) Math.min(chunkSize, 2L * c);
            }
            data = Arrays.copyOf(data, c);
        }
    }
}
