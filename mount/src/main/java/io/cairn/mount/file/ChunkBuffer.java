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
 * keeps which ranges were written, and while the base is pending it holds only those (sparse: a
 * few small writes into a big chunk take a few KiB, not a chunk; past {@link #SPARSE_MAX} written
 * bytes it holds a whole chunk's array). Such a buffer uploads as slices (only the written ranges)
 * when they are few and small, else as a whole chunk after the base is merged in
 * (read-modify-write); a read of bytes not written also merges it. A buffer whose writes cover
 * the whole base (a file rewritten or copied in order) never needs it.
 * Not thread-safe: its {@link OpenFile} guards it.
 */
final class ChunkBuffer {
    static final int MIN_CAPACITY = 64 << 10;
    /** Written bytes a buffer over a pending base keeps in pieces before it takes a whole chunk's array. */
    static final int SPARSE_MAX = 256 << 10;

    final long index;
    private final int chunkSize;
    /** The chunk's bytes by offset; null while sparse (the pieces hold what was written). */
    private byte[] data;
    /** Bytes {@code [0, end)} are the chunk's content: written, or (once merged) from the base, or zeros. */
    private int end;
    /** The old chunk, while not yet merged; null when there was none or it has been merged. */
    private ChunkRef base;
    /** How many bytes of the chunk the file covered when this buffer was made. */
    private final int baseLength;
    /**
     * While the base is pending: the ranges written, by start, none touching another; while sparse
     * each holds its bytes.
     */
    private final TreeMap<Integer, Piece> written = new TreeMap<>();
    private long writtenBytes;

    /** A written range {@code [start, start + length)}; its bytes in {@code bytes} while sparse. */
    private static final class Piece {
        final int start;
        int length;
        byte[] bytes;

        Piece(int start, int length, byte[] bytes) {
            this.start = start;
            this.length = length;
            this.bytes = bytes;
        }

        int end() {
            return start + length;
        }
    }

    ChunkBuffer(long index, int chunkSize, ChunkRef base, int baseLength) {
        this.index = index;
        this.chunkSize = chunkSize;
        this.base = base;
        this.baseLength = baseLength;
        this.end = baseLength; // with no base, the covered range is a hole: zeros
        if (base == null) {
            this.data = new byte[index == 0 ? Math.min(chunkSize, MIN_CAPACITY) : chunkSize];
        }
    }

    ChunkRef pendingBase() {
        return base;
    }

    /** Whether the buffer holds only what was written, in pieces. */
    boolean isSparse() {
        return data == null;
    }

    /** Whether reading {@code [from, to)} needs bytes of the old chunk that are not here yet. */
    boolean needsBaseForRead(int from, int to) {
        if (base == null || from >= baseLength) {
            return false;
        }
        int upTo = Math.min(to, baseLength);
        Map.Entry<Integer, Piece> e = written.floorEntry(from);
        return e == null || e.getValue().end() < upTo;
    }

    /** Merges the old chunk's bytes ({@code blob[0..valid)}, its slices laid over) under the ones written. */
    void mergeBase(byte[] blob, int valid) {
        densify();
        int to = Math.min(baseLength, valid);
        ensureCapacity(to);
        int pos = 0;
        for (Piece p : written.values()) { // the gaps between written ranges
            int gapEnd = Math.min(p.start, to);
            if (gapEnd > pos) {
                System.arraycopy(blob, pos, data, pos, gapEnd - pos);
            }
            pos = Math.max(pos, p.end());
        }
        if (to > pos) {
            System.arraycopy(blob, pos, data, pos, to - pos);
        }
        // bytes of [valid, baseLength) stay zero: past the old chunk's used length they read as zeros
        base = null;
        written.clear();
        writtenBytes = 0;
    }

    void write(int at, ByteSource src, long srcOffset, int length) {
        if (base == null) {
            ensureCapacity(at + length);
            src.get(srcOffset, data, at, length);
            end = Math.max(end, at + length);
            return;
        }
        Piece p = addWritten(at, at + length);
        if (data == null && writtenBytes > SPARSE_MAX) {
            densify();
        }
        if (data != null) {
            ensureCapacity(at + length);
            src.get(srcOffset, data, at, length);
        } else {
            src.get(srcOffset, p.bytes, at - p.start, length);
        }
        end = Math.max(end, at + length);
        Piece first = written.firstEntry().getValue();
        if (first.start == 0 && first.end() >= baseLength) {
            densify();
            base = null; // every old byte has been rewritten: no need to ever fetch the old chunk
            written.clear();
            writtenBytes = 0;
        }
    }

    /**
     * Records {@code [from, to)} as written, joining the ranges it touches into one piece (whose
     * bytes, while sparse, keep what they held; the caller copies the new ones in), and returns it.
     */
    private Piece addWritten(int from, int to) {
        int start = from;
        int stop = to;
        List<Piece> joined = new ArrayList<>(2);
        Map.Entry<Integer, Piece> before = written.floorEntry(from);
        if (before != null && before.getValue().end() >= from) {
            joined.add(before.getValue());
            start = before.getKey();
            stop = Math.max(stop, before.getValue().end());
        }
        Map.Entry<Integer, Piece> next = written.ceilingEntry(from + (joined.isEmpty() ? 0 : 1));
        while (next != null && next.getKey() <= to) {
            joined.add(next.getValue());
            stop = Math.max(stop, next.getValue().end());
            next = written.higherEntry(next.getKey());
        }
        for (Piece j : joined) {
            written.remove(j.start);
            writtenBytes -= j.length;
        }
        Piece p;
        if (data != null) {
            p = new Piece(start, stop - start, null);
        } else if (joined.size() == 1 && joined.get(0).start == start) { // one piece grown at its end
            p = joined.get(0);
            if (p.bytes.length < stop - start) {
                p.bytes = Arrays.copyOf(p.bytes, Math.max(stop - start, Math.min(chunkSize, 2 * p.bytes.length)));
            }
            p.length = stop - start;
        } else {
            p = new Piece(start, stop - start, new byte[stop - start]);
            for (Piece j : joined) {
                System.arraycopy(j.bytes, 0, p.bytes, j.start - start, j.length);
            }
        }
        written.put(start, p);
        writtenBytes += p.length;
        return p;
    }

    /** From pieces to a whole chunk's array (what a merge, a large write or an upload as a whole needs). */
    private void densify() {
        if (data != null) {
            return;
        }
        data = new byte[index == 0 ? Math.min(chunkSize, Math.max(MIN_CAPACITY, end)) : chunkSize];
        ensureCapacity(end);
        for (Piece p : written.values()) {
            System.arraycopy(p.bytes, 0, data, p.start, p.length);
            p.bytes = null;
        }
    }

    /** While the base is pending: the ranges written, as {start, end} pairs in order. */
    List<int[]> writtenRanges() {
        List<int[]> out = new ArrayList<>(written.size());
        for (Piece p : written.values()) {
            out.add(new int[] {p.start, p.end()});
        }
        return out;
    }

    /** While the base is pending: how many bytes were written. */
    long writtenBytes() {
        return writtenBytes;
    }

    /** A copy of the chunk's bytes {@code [from, to)} (written ones, when sparse). */
    byte[] copy(int from, int to) {
        byte[] out = new byte[to - from];
        read(from, to - from, ByteSink.of(out), 0);
        return out;
    }

    /**
     * Copies the bytes of {@code [at, at + length)} this buffer holds over {@code dst} (which holds
     * the chunk's old bytes there): only the written ones while the base is pending, all once merged.
     */
    void readWritten(int at, int length, ByteSink dst, long dstOffset) {
        if (base == null) {
            read(at, length, dst, dstOffset);
            return;
        }
        Map.Entry<Integer, Piece> e = written.floorEntry(at);
        int from0 = e != null && e.getValue().end() > at ? e.getKey() : at;
        for (Piece q : written.tailMap(from0, true).values()) {
            if (q.start >= at + length) {
                break;
            }
            int from = Math.max(at, q.start);
            int to = Math.min(at + length, q.end());
            if (data != null) {
                dst.put(dstOffset + (from - at), data, from, to - from);
            } else {
                dst.put(dstOffset + (from - at), q.bytes, from - q.start, to - from);
            }
        }
    }

    /** Copies {@code [at, at + length)} of the chunk to {@code dst}; bytes never written are zeros. */
    void read(int at, int length, ByteSink dst, long dstOffset) {
        if (data == null) {
            dst.zero(dstOffset, length);
            Map.Entry<Integer, Piece> e = written.floorEntry(at);
            Piece p = e != null && e.getValue().end() > at ? e.getValue() : null;
            for (Piece q : p != null ? written.tailMap(p.start, true).values() : written.tailMap(at, true).values()) {
                if (q.start >= at + length) {
                    break;
                }
                int from = Math.max(at, q.start);
                int to = Math.min(at + length, q.end());
                dst.put(dstOffset + (from - at), q.bytes, from - q.start, to - from);
            }
            return;
        }
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
        densify();
        ensureCapacity(length);
        return data;
    }

    int end() {
        return end;
    }

    int capacity() {
        return data == null ? 0 : data.length;
    }

    /** Every byte of the chunk is here: it can be uploaded without waiting for more writes. */
    boolean isFull() {
        return base == null && end == chunkSize;
    }

    private void ensureCapacity(int n) {
        if (n > data.length) {
            int c = Math.max(1, data.length);
            while (c < n) {
                c = (int) Math.min(chunkSize, 2L * c);
            }
            data = Arrays.copyOf(data, c);
        }
    }
}
