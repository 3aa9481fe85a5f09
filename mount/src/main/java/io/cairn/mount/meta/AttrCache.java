package io.cairn.mount.meta;

import io.cairn.common.wire.Attr;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Attributes by path for a short time (the attribute timeout; zero turns the cache off), so that
 * {@code ls -l} of a directory costs one listing instead of one master call per entry. Indexed by
 * inode as well, so that a change made through one name (chmod, a write, a new hard link) reaches
 * every cached name of the same inode. A directory this mount has just listed or made is known
 * whole for the same time, so a lookup of a name it does not have is answered "no such file"
 * without asking the master (tar -x and cp -r look up every name before creating it); and a name
 * the master just said is absent is remembered so for the same time ({@link #markAbsent}). Time comes
 * from an injected nanosecond clock.
 *
 * <p>Bounded: at most {@code maxEntries} names (least recently used first out) and
 * {@link #MAX_COMPLETE} directories known whole. Whenever a name leaves the cache, for whatever
 * reason (expired, evicted, invalidated), its directory stops being known whole, so a bound never
 * turns an existing name into "no such file". A listing that lost one of its names to the bound
 * before it finished does not mark its directory whole (see {@link #beginListing}).
 */
public final class AttrCache {
    private record Entry(Attr attr, long expires) {
    }

    /** Names remembered absent at once, at most (forgetting one only costs a lookup). */
    static final int MAX_ABSENT = 4096;
    /** Directories known whole at once, at most (forgetting one only costs a lookup). */
    static final int MAX_COMPLETE = 1024;
    /** Heap bytes budgeted per cached name (path, attributes, indexes), for {@link #entriesForHeap}. */
    static final long BYTES_PER_ENTRY = 8192;
    private static final int SWEEP_EVERY = 4096;

    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final int maxEntries;
    private final LinkedHashMap<String, Entry> byPath = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            if (size() <= maxEntries) {
                return false;
            }
            dropped(eldest.getKey(), eldest.getValue()); // its bookkeeping, then LinkedHashMap removes it
            return true;
        }
    };
    private final Map<Long, Set<String>> byInode = new HashMap<>();
    /** Directories whose every entry is in {@code byPath}, until the given time. */
    private final LinkedHashMap<String, Long> complete = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_COMPLETE;
        }
    };
    /** Names the master said do not exist, until the given time (at most {@link #MAX_ABSENT}, oldest out). */
    private final LinkedHashMap<String, Long> absent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_ABSENT;
        }
    };
    /** Directories being listed now: how many listings, and how many of their names have left the cache since. */
    private final Map<String, Watch> listings = new HashMap<>();
    private int putsSinceSweep;

    private static final class Watch {
        int listings;
        long drops;
    }

    /** A cache for this heap: {@link #entriesForHeap} names at most. */
    public AttrCache(Duration ttl, LongSupplier nanoClock) {
        this(ttl, nanoClock, entriesForHeap(Runtime.getRuntime().maxMemory()));
    }

    public AttrCache(Duration ttl, LongSupplier nanoClock, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        this.ttlNanos = Math.max(0, ttl.toNanos());
        this.nanoClock = nanoClock;
        this.maxEntries = maxEntries;
    }

    /** One name per {@link #BYTES_PER_ENTRY} of heap (about a twentieth of it in use), from 1,024 to 65,536. */
    static int entriesForHeap(long maxHeap) {
        return (int) Math.max(1024, Math.min(65_536, maxHeap / BYTES_PER_ENTRY));
    }

    public boolean enabled() {
        return ttlNanos > 0;
    }

    public int maxEntries() {
        return maxEntries;
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
     * Records that every entry of {@code dir} is cached (it was just made empty here), so that a
     * name not cached is known not to exist until the timeout.
     */
    public synchronized void markComplete(String dir) {
        if (ttlNanos > 0) {
            complete.put(dir, nanoClock.getAsLong() + ttlNanos);
        }
    }

    /**
     * A listing of {@code dir} starts: its entries will be {@link #put} as they come. Returns the
     * stamp to hand to {@link #endListing}, which marks the directory known whole only if none of its
     * names left the cache in between.
     */
    public synchronized long beginListing(String dir) {
        Watch w = listings.computeIfAbsent(dir, d -> new Watch());
        w.listings++;
        return w.drops;
    }

    /**
     * The listing of {@code dir} begun with {@code stamp} has ended; {@code whole} says whether it
     * went to the last entry. Then, and only if every name it put is still cached, the directory is
     * known whole for the attribute timeout.
     */
    public synchronized void endListing(String dir, long stamp, boolean whole) {
        Watch w = listings.get(dir);
        if (w == null) {
            return;
        }
        if (whole && w.drops == stamp) {
            markComplete(dir);
        }
        if (--w.listings == 0) {
            listings.remove(dir);
        }
    }

    /** Whether {@code path} is known not to exist: its directory is known whole and has no such entry. */
    public synchronized boolean knownAbsent(String path) {
        if (path.equals("/")) {
            return false; // the root is its own parent, and always exists
        }
        Long gone = absent.get(path);
        if (gone != null) {
            if (nanoClock.getAsLong() - gone < 0 && !byPath.containsKey(path)) {
                return true;
            }
            absent.remove(path);
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

    /**
     * Remembers that the master just said {@code path} does not exist, for the attribute timeout (as
     * the kernel's negative_timeout does): the second lookup the kernel makes of a name before an
     * exclusive create (O_EXCL, which it always asks the file system again) is then answered here.
     * Whatever this mount does that makes the name exist forgets it first ({@link #forgetAbsent});
     * another mount's new name is seen once the timeout passes, as with the kernel's own cache.
     */
    public synchronized void markAbsent(String path) {
        if (ttlNanos > 0 && !byPath.containsKey(path)) {
            absent.put(path, nanoClock.getAsLong() + ttlNanos);
        }
    }

    /** Forgets that {@code path} was absent: this mount is about to make it (before the master is asked). */
    public synchronized void forgetAbsent(String path) {
        absent.remove(path);
    }

    public synchronized void put(String path, Attr attr) {
        if (ttlNanos == 0) {
            return;
        }
        absent.remove(path);
        Entry old = byPath.remove(path); // replaced, not removed: its directory stays known whole
        if (old != null) {
            unindex(path, old.attr.inode());
        }
        byInode.computeIfAbsent(attr.inode(), k -> new HashSet<>()).add(path);
        byPath.put(path, new Entry(attr, nanoClock.getAsLong() + ttlNanos)); // may evict the least recently used
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
        absent.remove(path);
        absent.keySet().removeIf(p -> p.startsWith(prefix));
        complete.remove(path);
        complete.keySet().removeIf(d -> d.startsWith(prefix));
        for (Iterator<Map.Entry<String, Entry>> it = byPath.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry> e = it.next();
            if (e.getKey().startsWith(prefix)) {
                dropped(e.getKey(), e.getValue());
                it.remove();
            }
        }
    }

    /** Forgets every name of an inode (its link count or times changed). */
    public synchronized void invalidateInode(long inode) {
        Set<String> paths = byInode.get(inode);
        if (paths != null) {
            for (String p : Set.copyOf(paths)) {
                remove(p);
            }
        }
    }

    public synchronized int size() {
        return byPath.size();
    }

    /** How many directories are known whole (expired marks included until they are looked at or swept). */
    synchronized int completeDirectories() {
        return complete.size();
    }

    /** How many listings are under way. */
    synchronized int listingsUnderWay() {
        return listings.size();
    }

    /** Forgets one entry (and that it was absent); its directory is then no longer known whole. */
    private void remove(String path) {
        absent.remove(path);
        Entry e = byPath.remove(path);
        if (e != null) {
            dropped(path, e);
        }
        complete.remove(parentOf(path));
    }

    /** The bookkeeping of a name leaving {@code byPath} (the caller removes it from the map). */
    private void dropped(String path, Entry e) {
        unindex(path, e.attr.inode());
        String dir = parentOf(path);
        complete.remove(dir);
        Watch w = listings.get(dir);
        if (w != null) {
            w.drops++;
        }
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
                dropped(e.getKey(), e.getValue());
                it.remove();
            }
        }
        complete.values().removeIf(until -> now - until >= 0);
        absent.values().removeIf(until -> now - until >= 0);
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
