package io.cairn.mount.file;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The file-handle table: the number the kernel passes back in {@code fi.fh} -> the {@link Handle}. */
public final class Handles {
    private final AtomicLong next = new AtomicLong(1);
    private final Map<Long, Handle> open = new ConcurrentHashMap<>();

    /** Registers a handle and returns its number (never 0, never reused while the mount runs). */
    public long add(Handle h) {
        long fh = next.getAndIncrement();
        open.put(fh, h);
        return fh;
    }

    /** The handle numbered {@code fh}, or null. */
    public Handle get(long fh) {
        return open.get(fh);
    }

    public Handle remove(long fh) {
        return open.remove(fh);
    }

    public int size() {
        return open.size();
    }
}
