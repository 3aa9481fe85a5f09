package io.cairn.mount.fuse;

import io.cairn.common.security.Caller;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * The {@link Caller} behind a FUSE request: its uid and gid from the request, its supplementary
 * groups from the {@code Groups:} line of {@code /proc/PID/status}, kept for a second per process
 * and ids (one small read per process and second, not one per call).
 */
final class FuseCallers {
    static final long KEEP_NANOS = 1_000_000_000L;
    static final int MOST_KEPT = 4096;

    private record Key(long pid, int uid, int gid) {
    }

    private record Kept(Caller caller, long at) {
    }

    private final ConcurrentHashMap<Key, Kept> kept = new ConcurrentHashMap<>();
    private final LongFunction<List<Integer>> groupsOf;
    private final LongSupplier nanoTime;

    FuseCallers() {
        this(Caller::groupsOf, System::nanoTime);
    }

    FuseCallers(LongFunction<List<Integer>> groupsOf, LongSupplier nanoTime) {
        this.groupsOf = groupsOf;
        this.nanoTime = nanoTime;
    }

    Caller of(long uid, long gid, long pid) {
        Key k = new Key(pid, (int) uid, (int) gid);
        long now = nanoTime.getAsLong();
        Kept e = kept.get(k);
        if (e != null && now - e.at() < KEEP_NANOS) {
            return e.caller();
        }
        List<Integer> groups = groupsOf.apply(pid);
        Caller c = new Caller((int) uid, (int) gid, groups.size() > Caller.MOST_GROUPS
                ? groups.subList(0, Caller.MOST_GROUPS) : groups);
        if (kept.size() >= MOST_KEPT) {
            kept.clear();
        }
        kept.put(k, new Kept(c, now));
        return c;
    }
}
