package io.cairn.mount.meta;

import io.cairn.common.wire.Attr;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Attributes by path for a short time (the attribute timeout; zero turns the cache off), so that
 * {@code ls -l} of a directory costs one listing instead of one master call per entry. Indexed by
 * inode as well, so that a change made through one name (chmod, a write, a new hard link) reaches
 * every cached name of the same inode. A directory this mount has just listed or made is known
 * whole for the same time, so a lookup of a name it does not have is answered "no such file"
 * without asking the master (tar -x and cp -r look up every name before creating it). Time comes
 * from an injected nanosecond clock.
 */
public final class AttrCache {
    private record Entry(Attr attr, long expires) {
    }

    private static final int SWEEP_EVERY = 4096;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> byPath = new HashMap<>();
    private final Map<Long, Set<String>> byInode = new HashMap<>();
    /** Directories whose every entry is in {@code byPath}, until the given time. */
    private final Map<String, Long> complete = new HashMap<>();
    private int putsSinceSweep;

    public AttrCache(Duration ttl, LongSupplier nanoClock) {
        this.ttlNanos = Math.max(0, ttl.toNanos());
        this.nanoClock = nanoClock;
    }

    public boolean enabled() {
        return ttlNanos > 0;
    }

    /** The cached attributes of {@code path}, or null when absent or expired. */
    public synchronized Attr get(String path) {
        Entry e = byPath.get(path);
        if (e == null) {
            return null;
        }
        if (nanoClock.getAsLong() - e.expires >= 0) {
            remove(path);
            return null;
        }
        return e.attr;
    }

    /**
     * Records that every entry of {@code dir} is cached (it was just listed, or made empty here), so
     * that a name not cached is known not to exist until the timeout.
     */
    public synchronized void markComplete(String dir) {
        if (ttlNanos > 0) {
            complete.put(dir, nanoClock.getAsLong() + ttlNanos);
        }
    }

    /** Whether {@code path} is known not to exist: its directory is known whole and has no such entry. */
    public synchronized boolean knownAbsent(String path) {
        if (path.equals("/")) {
            return false; // the root is its own parent, and always exists
        }
        String dir = parentOf(path);
        Long until = complete.get(dir);
        if (until == null) {
            return false;
        }
        if (nanoClock.getAsLong() - until >= 0) {
            complete.remove(dir);
            return false;
        }
        return !byPath.containsKey(path);
    }

    public synchronized void put(String path, Attr attr) {
        if (ttlNanos == 0) {
            return;
        }
        Entry old = byPath.remove(path); // replaced, not removed: its directory stays known whole
        if (old != null) {
            unindex(path, old.attr.inode());
        }
        byPath.put(path, new Entry(attr, nanoClock.getAsLong() + ttlNanos));
        byInode.computeIfAbsent(attr.inode(), k -> new HashSet<>()).add(path);
        if (++putsSinceSweep >= SWEEP_EVERY) {
            sweep();
        }
    }

    /** New attributes of an inode: every cached name of it gets them (keeping its expiry). */
    public synchronized void update(Attr attr) {
        Set<String> paths = byInode.get(attr.inode());
        if (paths == null) {
            return;
        }
        for (String p : paths) {
            Entry e = byPath.get(p);
            if (e != null) {
                byPath.put(p, new Entry(attr, e.expires));
            }
        }
    }

    public synchronized void invalidate(String path) {
        remove(path);
    }

    /** Forgets {@code path} and everything under it (a directory removed or renamed). */
    public synchronized void invalidateTree(String path) {
        remove(path);
        String prefix = path.equals("/") ? "/" : path + "/";
        complete.remove(path);
        complete.keySet().removeIf(d -> d.startsWith(prefix));
        for (Iterator<Map.Entry<String, Entry>> it = byPath.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry> e = it.next();
            if (e.getKey().startsWith(prefix)) {
                it.remove();
                unindex(e.getKey(), e.getValue().attr.inode());
            }
        }
    }

    /** Forgets every name of an inode (its link count or times changed). */
    public synchronized void invalidateInode(long inode) {
        Set<String> paths = byInode.remove(inode);
        if (paths != null) {
            for (String p : paths) {
                byPath.remove(p);
                complete.remove(parentOf(p));
            }
        }
    }

    public synchronized int size() {
        return byPath.size();
    }

    /** Forgets one entry; its directory is then no longer known whole. */
    private void remove(String path) {
        Entry e = byPath.remove(path);
        if (e != null) {
            unindex(path, e.attr.inode());
        }
        complete.remove(parentOf(path));
    }

    private void unindex(String path, long inode) {
        Set<String> paths = byInode.get(inode);
        if (paths != null) {
            paths.remove(path);
            if (paths.isEmpty()) {
                byInode.remove(inode);
            }
        }
    }

    private void sweep() {
        putsSinceSweep = 0;
        long now = nanoClock.getAsLong();
        for (Iterator<Map.Entry<String, Entry>> it = byPath.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry> e = it.next();
            if (now - e.getValue().expires >= 0) {
                it.remove();
                unindex(e.getKey(), e.getValue().attr.inode());
                complete.remove(parentOf(e.getKey()));
            }
        }
        complete.values().removeIf(until -> now - until >= 0);
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
