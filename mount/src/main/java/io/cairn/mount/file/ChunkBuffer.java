package io.cairn.mount.file;

import io.cairn.common.wire.ChunkRef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The new content of one chunk of an open file, gathered in memory until it is uploaded. The first
 * chunk of a file starts small and grows with the data (a 4 KiB file does not allocate and zero a
 * whole chunk); later chunks, of files already that big, get a whole one at once.
 *
 * <p>When the chunk already had bytes (its "base"), they are not fetched for a write: the buffer
 * keeps which ranges were written, and while the base is pending it holds only those. Such a buffer
 * uploads as slices (only the written ranges) when they are few and small, else as a whole chunk
 * after the base is merged in (read-modify-write); a read of bytes not written also merges it. A
 * buffer whose writes cover the whole base (a file rewritten or copied in order) never needs it.
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
    /** While the base is pending: the ranges written, start to end (exclusive), none touching another. */
    private final TreeMap<Integer, Integer> written = new TreeMap<>();

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

    /** Whether reading {@code [from, to)} needs bytes of the old chunk that are not here yet. */
    boolean needsBaseForRead(int from, int to) {
        if (base == null || from >= baseLength) {
            return false;
        }
        int upTo = Math.min(to, baseLength);
        Map.Entry<Integer, Integer> e = written.floorEntry(from);
        return e == null || e.getValue() < upTo;
    }

    /** Merges the old chunk's bytes ({@code blob[0..valid)}, its slices laid over) under the ones written. */
    void mergeBase(byte[] blob, int valid) {
        int to = Math.min(baseLength, valid);
        ensureCapacity(to);
        int pos = 0;
        for (Map.Entry<Integer, Integer> e : written.entrySet()) { // the gaps between written ranges
            int gapEnd = Math.min(e.getKey(), to);
            if (gapEnd > pos) {
                System.arraycopy(blob, pos, data, pos, gapEnd - pos);
            }
            pos = Math.max(pos, e.getValue());
        }
        if (to > pos) {
            System.arraycopy(blob, pos, data, pos, to - pos);
        }
        // bytes of [valid, baseLength) stay zero: past the old chunk's used length they read as zeros
        base = null;
        written.clear();
    }

    void write(int at, ByteSource src, long srcOffset, int length) {
        ensureCapacity(at + length);
        src.get(srcOffset, data, at, length);
        end = Math.max(end, at + length);
        if (base != null) {
            addWritten(at, at + length);
            Map.Entry<Integer, Integer> first = written.firstEntry();
            if (first.getKey() == 0 && first.getValue() >= baseLength) {
                base = null; // every old byte has been rewritten: no need to ever fetch the old chunk
                written.clear();
            }
        }
    }

    private void addWritten(int from, int to) {
        Map.Entry<Integer, Integer> before = written.floorEntry(from);
        if (before != null && before.getValue() >= from) {
            from = before.getKey();
            to = Math.max(to, before.getValue());
        }
        Map.Entry<Integer, Integer> next = written.ceilingEntry(from);
        while (next != null && next.getKey() <= to) {
            to = Math.max(to, next.getValue());
            written.remove(next.getKey());
            next = written.ceilingEntry(from);
        }
        written.put(from, to);
    }

    /** While the base is pending: the ranges written, as {start, end} pairs in order. */
    List<int[]> writtenRanges() {
        List<int[]> out = new ArrayList<>(written.size());
        written.forEach((s, e) -> out.add(new int[] {s, e}));
        return out;
    }

    /** While the base is pending: how many bytes were written. */
    long writtenBytes() {
        long n = 0;
        for (Map.Entry<Integer, Integer> e : written.entrySet()) {
            n += e.getValue() - e.getKey();
        }
        return n;
    }

    /** A copy of the chunk's bytes {@code [from, to)}. */
    byte[] copy(int from, int to) {
        ensureCapacity(to);
        return Arrays.copyOfRange(data, from, to);
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
