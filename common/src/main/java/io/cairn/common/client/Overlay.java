package io.cairn.common.client;

import io.cairn.common.wire.ChunkRef;

import java.io.IOException;

/**
 * How a chunk with slices reads: its own first {@code length} bytes, zeros past them, and each
 * slice's first {@code length} bytes laid over them at the slice's {@code at}, the later over the
 * earlier. Every reader of chunks (the mount, {@code get}, a compaction) reads through here.
 */
public final class Overlay {
    /** The bytes of a slice's blob (whole). */
    @FunctionalInterface
    public interface Slices {
        byte[] bytes(ChunkRef slice) throws IOException;
    }

    /** Where bytes of a chunk go: {@code len} bytes of {@code src} from {@code off}, for the chunk's byte {@code pos}. */
    @FunctionalInterface
    public interface Sink {
        void put(long pos, byte[] src, int off, int len);
    }

    private Overlay() {
    }

    /** How many bytes of its range chunk {@code c} covers: its own length, or more where a slice ends past it. */
    public static int length(ChunkRef c) {
        long n = c.length();
        for (ChunkRef s : c.sliceList()) {
            n = Math.max(n, s.end());
        }
        return (int) n;
    }

    /**
     * The whole content of chunk {@code c}, {@link #length} bytes: {@code base[0..baseValid)} (the
     * chunk's own blob; zeros past it) with the slices over it. Without slices, the base itself
     * when it is long enough.
     */
    public static byte[] merge(ChunkRef c, byte[] base, int baseValid, Slices slices) throws IOException {
        int n = length(c);
        int own = (int) Math.min(Math.min(c.length(), baseValid), n);
        if (c.sliceList().isEmpty() && base.length >= n && own == n) {
            return base;
        }
        byte[] out = new byte[n];
        System.arraycopy(base, 0, out, 0, own);
        over(c, 0, n, slices, (pos, src, off, len) -> System.arraycopy(src, off, out, (int) pos, len));
        return out;
    }

    /** Lays the slices of {@code c} that touch the chunk's bytes {@code [from, from + n)} over them, through {@code sink}. */
    public static void over(ChunkRef c, long from, int n, Slices slices, Sink sink) throws IOException {
        long to = from + n;
        for (ChunkRef s : c.sliceList()) {
            long start = Math.max(from, s.at());
            long end = Math.min(to, s.end());
            if (start >= end) {
                continue;
            }
            byte[] b = slices.bytes(s); // the whole blob: the slice is its bytes from blobOffset on
            int off = s.blobOffset() + (int) (start - s.at());
            int len = (int) Math.min(end - start, b.length - off);
            if (len > 0) {
                sink.put(start, b, off, len);
            }
        }
    }
}
