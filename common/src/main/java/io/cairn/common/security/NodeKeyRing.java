package io.cairn.common.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys a datanode holds: the one it signs with (the newest) and, after the master gave it a
 * newer one, the ones before, for as long as the masters hold their versions ({@link #retain}), so
 * that a chunk token minted under an older version, by a master that has not heard from this node
 * since the change, still opens its chunks. The keys live in {@code node.key}
 * ({@link VersionedKeys}), saved through {@link Store} before a change is used.
 */
public final class NodeKeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(NodeKeyRing.class);
    /** Where the ring is kept. */
    @FunctionalInterface
    public interface Store {
        /** Saves {@code line} durably before it returns. */
        void save(String line) throws IOException;
    }

    private final Store store;
    private final Clock clock;
    private volatile List<VersionedKeys.Entry> keys;

    private NodeKeyRing(List<VersionedKeys.Entry> keys, Store store, Clock clock) {
        this.keys = keys;
        this.store = store;
        this.clock = clock;
    }

    /** A ring of the one key {@code key}, version 1, kept nowhere (for tests and tools). */
    public static NodeKeyRing of(byte[] key) {
        return of(1, key);
    }

    /** A ring of the one key {@code key} of {@code version}, kept nowhere. */
    public static NodeKeyRing of(int version, byte[] key) {
        return new NodeKeyRing(List.of(new VersionedKeys.Entry(version, key.clone(), Long.MAX_VALUE)), line -> {
        }, Clock.systemUTC());
    }

    /** The ring a key file's {@code line} holds, saved to {@code store} when it changes; IllegalArgumentException when malformed. */
    public static NodeKeyRing parse(String line, Store store, Clock clock) {
        return new NodeKeyRing(VersionedKeys.parse(line), store, clock);
    }

    /** The version of the key this node signs with. */
    public int version() {
        List<VersionedKeys.Entry> k = keys;
        return k.get(k.size() - 1).version();
    }

    /** The key this node signs with. */
    public byte[] current() {
        List<VersionedKeys.Entry> k = keys;
        return k.get(k.size() - 1).key();
    }

    /** The key of {@code version}, or null when this node does not hold it (or no longer uses it). */
    public byte[] key(int version) {
        long now = clock.millis();
        for (VersionedKeys.Entry e : keys) {
            if (e.version() == version && e.usableAt(now)) {
                return e.key();
            }
        }
        return null;
    }

    /** The ring as its key file holds it. */
    public String line() {
        return VersionedKeys.format(keys);
    }

    /**
     * Takes {@code key} of {@code version} as the key to sign with when it is newer than the
     * current one: saved first, the current key kept (until {@link #retain} drops it). An older or
     * equal version changes nothing.
     *
     * @return whether the key was taken
     */
    public synchronized boolean adopt(int version, byte[] key) throws IOException {
        if (version <= version()) {
            return false;
        }
        long now = clock.millis();
        List<VersionedKeys.Entry> next = new ArrayList<>();
        for (VersionedKeys.Entry e : keys) {
            if (e.usableAt(now)) {
                next.add(e);
            }
        }
        while (next.size() >= VersionedKeys.MOST_ENTRIES) {
            next.remove(0);
        }
        next.add(new VersionedKeys.Entry(version, key.clone(), Long.MAX_VALUE));
        store.save(VersionedKeys.format(next));
        int old = version();
        keys = List.copyOf(next);
        LOG.info("this datanode's key is now version {} (was {}); version {} still opens chunks until the masters"
                + " retire it", version, old, old);
        return true;
    }

    /**
     * Drops the keys of versions not in {@code held} (the versions the master holds, as a signed
     * reply lists them, e.g. {@code 1,2}), saved first; the key this node signs with is always kept.
     * A malformed list changes nothing.
     */
    public synchronized void retain(String held) throws IOException {
        java.util.Set<Integer> versions = new java.util.HashSet<>();
        try {
            for (String v : held.split(",", VersionedKeys.MOST_ENTRIES + 1)) {
                versions.add(Integer.parseInt(v.trim()));
            }
        } catch (NumberFormatException e) {
            return;
        }
        List<VersionedKeys.Entry> k = keys;
        List<VersionedKeys.Entry> next = new ArrayList<>();
        for (int i = 0; i < k.size(); i++) {
            if (i == k.size() - 1 || versions.contains(k.get(i).version())) {
                next.add(k.get(i));
            }
        }
        if (next.size() == k.size()) {
            return;
        }
        store.save(VersionedKeys.format(next));
        keys = List.copyOf(next);
        LOG.info("this datanode keeps key versions {} only: the masters hold {}", next.stream()
                .map(VersionedKeys.Entry::version).toList(), held);
    }
}
