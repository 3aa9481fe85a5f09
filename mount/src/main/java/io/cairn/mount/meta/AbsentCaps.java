package io.cairn.mount.meta;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Paths known, for a moment, to have no {@code security.capability}: the kernel asks for it before
 * every write(2) to a file (to drop file capabilities when a file is changed), so without this a
 * 4 KiB write would cost a master call. An answer is kept for {@link #TTL_NANOS}, forgotten at once
 * when this mount sets or removes an extended attribute of that path, renames onto it or unlinks
 * it; a capability set through another mount (or another name of the inode) shows within that time.
 * Bounded: when full it starts over.
 */
final class AbsentCaps {
    static final String NAME = "security.capability";
    static final long TTL_NANOS = 1_000_000_000L;
    static final int MAX = 8192;

    private final ConcurrentHashMap<String, Long> until = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    AbsentCaps(LongSupplier nanos) {
        this.nanos = nanos;
    }

    boolean known(String path) {
        Long u = until.get(path);
        if (u == null) {
            return false;
        }
        if (u - nanos.getAsLong() <= 0) {
            until.remove(path, u);
            return false;
        }
        return true;
    }

    void absent(String path) {
        if (until.size() >= MAX) {
            until.clear();
        }
        until.put(path, nanos.getAsLong() + TTL_NANOS);
    }

    void forget(String path) {
        until.remove(path);
    }

    /** A directory renamed or removed: everything under it too. */
    void forgetTree(String path) {
        String prefix = path.endsWith("/") ? path : path + "/";
        until.keySet().removeIf(p -> p.equals(path) || p.startsWith(prefix));
    }
}
