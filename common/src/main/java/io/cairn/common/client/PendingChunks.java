package io.cairn.common.client;

import io.cairn.common.wire.ChunkRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Uploaded chunks and slices of one file waiting for something (a commit, a sync), by index and,
 * within an index, in upload order: a whole chunk replaces what was waiting at its index (it was
 * written over all of it), a slice goes on top. Not thread-safe: its {@link FileChunks} guards it.
 */
final class PendingChunks {
    private final TreeMap<Long, List<ChunkRef>> byIndex = new TreeMap<>();
    private int count;

    /** Adds {@code ref}; returns what a whole chunk replaced (empty for a slice). */
    List<ChunkRef> add(ChunkRef ref) {
        List<ChunkRef> at = byIndex.computeIfAbsent(ref.index(), k -> new ArrayList<>());
        List<ChunkRef> replaced = List.of();
        if (!ref.isSlice()) {
            replaced = List.copyOf(at);
            count -= at.size();
            at.clear();
        }
        at.add(ref);
        count++;
        return replaced;
    }

    /** Removes {@code ref} if it is still waiting (the same record, not a newer one of its id). */
    void remove(ChunkRef ref) {
        List<ChunkRef> at = byIndex.get(ref.index());
        if (at != null && at.remove(ref)) {
            count--;
            if (at.isEmpty()) {
                byIndex.remove(ref.index());
            }
        }
    }

    /** Whether {@code a} and {@code b} are the same chunk, or the same slice (one blob, one place). */
    private static boolean same(ChunkRef a, ChunkRef b) {
        return a.id().equals(b.id()) && java.util.Objects.equals(a.at(), b.at());
    }

    /** The waiting chunk or slice that is {@code ref} (its index, id and place), or null. */
    ChunkRef find(ChunkRef ref) {
        List<ChunkRef> at = byIndex.get(ref.index());
        if (at != null) {
            for (ChunkRef c : at) {
                if (same(c, ref)) {
                    return c;
                }
            }
        }
        return null;
    }

    /** Whether a whole chunk waits at {@code index}. */
    boolean hasWhole(long index) {
        List<ChunkRef> at = byIndex.get(index);
        return at != null && !at.get(0).isSlice();
    }

    /** Forgets everything at {@code index}. */
    void clear(long index) {
        List<ChunkRef> at = byIndex.remove(index);
        if (at != null) {
            count -= at.size();
        }
    }

    /** Puts {@code ref} in place of the waiting one of its id (the same blob, with other replicas); false if none waits. */
    boolean update(ChunkRef ref) {
        List<ChunkRef> at = byIndex.get(ref.index());
        if (at != null) {
            for (int i = 0; i < at.size(); i++) {
                if (same(at.get(i), ref)) {
                    at.set(i, ref);
                    return true;
                }
            }
        }
        return false;
    }

    /** Forgets everything at index {@code from} and after. */
    void dropFrom(long from) {
        Map<Long, List<ChunkRef>> tail = byIndex.tailMap(from, true);
        for (List<ChunkRef> l : tail.values()) {
            count -= l.size();
        }
        tail.clear();
    }

    /** Everything waiting, by index, then in upload order. */
    List<ChunkRef> all() {
        List<ChunkRef> out = new ArrayList<>(count);
        for (List<ChunkRef> l : byIndex.values()) {
            out.addAll(l);
        }
        return List.copyOf(out);
    }

    int size() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }
}
