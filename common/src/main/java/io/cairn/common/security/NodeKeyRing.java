package io.cairn.common.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys a datanode holds: the one it signs with (the newest) and, for a while after the master
 * gave it a newer one, the one before, so that chunk tokens minted under the old key before the
 * change still open its chunks until they expire ({@link #GRACE}). The keys live in
 * {@code node.key} ({@link VersionedKeys}), saved through {@link Store} before a new one is used.
 */
public final class NodeKeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(NodeKeyRing.class);
    /** How long the key before the newest still opens chunks: a chunk token's lifetime and clock skew, and a minute. */
    public static final Duration GRACE = ChunkTokens.LIFETIME.plus(ChunkTokens.SKEW).plusMinutes(1);

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
     * current one: saved first, the current key kept until {@link #GRACE} from now, keys past their
     * time dropped. An older or equal version changes nothing.
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
            long until = e.untilMs() == Long.MAX_VALUE ? now + GRACE.toMillis() : e.untilMs();
            if (until >= now) {
                next.add(new VersionedKeys.Entry(e.version(), e.key(), until));
            }
        }
        while (next.size() >= VersionedKeys.MOST_ENTRIES) {
            next.remove(0);
        }
        next.add(new VersionedKeys.Entry(version, key.clone(), Long.MAX_VALUE));
        store.save(VersionedKeys.format(next));
        int old = version();
        keys = List.copyOf(next);
        LOG.info("this datanode's key is now version {} (was {}); version {} still opens chunks for {} min",
                version, old, old, GRACE.toMinutes());
        return true;
    }
}
