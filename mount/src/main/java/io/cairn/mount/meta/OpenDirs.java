package io.cairn.mount.meta;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The directory handles of a mount: opendir gives each its own {@link DirStream}, releasedir ends it. */
public final class OpenDirs {
    private final DirStream.Lister lister;
    private final AttrCache cache;
    private final Map<Long, DirStream> byHandle = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);

    public OpenDirs(DirStream.Lister lister, AttrCache cache) {
        this.lister = lister;
        this.cache = cache;
    }

    /** A new handle on {@code dir}; nothing is asked of the master until the first read. */
    public long open(String dir) {
        long fh = nextHandle.getAndIncrement();
        byHandle.put(fh, new DirStream(dir, lister, cache));
        return fh;
    }

    /** The stream of a handle, or null when it is not open. */
    public DirStream get(long fh) {
        return byHandle.get(fh);
    }

    public void release(long fh) {
        DirStream d = byHandle.remove(fh);
        if (d != null) {
            d.close();
        }
    }

    public int size() {
        return byHandle.size();
    }
}
