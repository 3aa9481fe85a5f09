package io.cairn.mount;

import io.cairn.common.wire.Attr;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Attributes by path for a short time (the attribute timeout), filled by getattr and readdir. */
final class AttrCache {
    private record Entry(Attr attr, long expiresNanos) {
    }

    private final long ttlNanos;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    AttrCache(Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    Attr get(String path) {
        if (ttlNanos <= 0) {
            return null;
        }
        Entry e = entries.get(path);
        if (e == null) {
            return null;
        }
        if (System.nanoTime() > e.expiresNanos) {
            entries.remove(path, e);
            return null;
        }
        return e.attr;
    }

    void put(String path, Attr attr) {
        if (ttlNanos > 0) {
            if (entries.size() > 100_000) {
                entries.clear();
            }
            entries.put(path, new Entry(attr, System.nanoTime() + ttlNanos));
        }
    }

    void invalidate(String path) {
        entries.remove(path);
    }

    /** Forgets a path and everything below it (after rename or rmdir). */
    void invalidateTree(String path) {
        entries.remove(path);
        String prefix = path.endsWith("/") ? path : path + "/";
        entries.keySet().removeIf(k -> k.startsWith(prefix));
    }

    /** Forgets every path naming an inode (hard links change each other's link count and times). */
    void invalidateInode(long inode) {
        entries.values().removeIf(e -> e.attr.inode() == inode);
    }
}
