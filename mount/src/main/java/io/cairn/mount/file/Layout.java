package io.cairn.mount.file;

import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;

import java.util.Map;
import java.util.TreeMap;

/**
 * The part of a file's chunk list fetched so far. A page fetched from index {@code from} covers
 * every index from there up to its {@code next} cursor (or to the end): an index in a covered range
 * with no chunk is a hole. Not thread-safe: its {@link OpenFile} guards it.
 */
final class Layout {
    private final TreeMap<Long, ChunkRef> chunks = new TreeMap<>();
    /** Covered index ranges: start -> end (exclusive). */
    private final TreeMap<Long, Long> covered = new TreeMap<>();

    boolean covers(long index) {
        Map.Entry<Long, Long> e = covered.floorEntry(index);
        return e != null && index < e.getValue();
    }

    /** The chunk at {@code index}, or null for a hole; only meaningful when {@link #covers} is true. */
    ChunkRef get(long index) {
        return chunks.get(index);
    }

    /** The chunk at {@code index} in a page fetched from {@code index}, or null for a hole. */
    static ChunkRef find(FileLayout page, long index) {
        for (ChunkRef c : page.chunks()) {
            if (c.index() == index) {
                return c;
            }
            if (c.index() > index) {
                break;
            }
        }
        return null;
    }

    /** Puts {@code c} in place of the chunk at its index (the same chunk, with fresh replicas). */
    void replace(ChunkRef c) {
        chunks.put(c.index(), c);
    }

    void add(long from, FileLayout page) {
        for (ChunkRef c : page.chunks()) {
            chunks.put(c.index(), c);
        }
        long to = page.next() == null ? Long.MAX_VALUE : Math.max(from + 1, page.next());
        covered.merge(from, to, Math::max);
    }
}
