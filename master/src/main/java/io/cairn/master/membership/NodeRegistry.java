package io.cairn.master.membership;

import io.cairn.common.wire.NodeInfo;
import io.cairn.master.placement.NodeView;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * Who is in the cluster and who is alive. A node is live while its last heartbeat is younger than
 * {@code deadAfter} on the injected clock; nodes known from earlier runs start dead until they
 * report in. A node is full when it cannot take one more chunk.
 */
public final class NodeRegistry {
    private final Clock clock;
    private final Duration deadAfter;
    private final long chunkSize;
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    /** What each datanode's last heartbeat said of its scrubber. */
    private final Map<String, io.cairn.common.wire.Requests.Scrub> scrubs = new ConcurrentHashMap<>();

    private static final class Node {
        final String id;
        volatile String address;
        volatile long capacity;
        volatile long used;
        volatile long chunks;
        /** What the datanode says it can still take (its disk and reserve), or -1 when it does not say. */
        volatile long available = -1;
        /** Bytes placed on it since its last heartbeat, not yet in {@code used}. */
        volatile long placed;
        /** Millis of the last heartbeat or registration; 0 when never seen by this master run. */
        volatile long lastSeenMs;
        /** Registered during this master run (a heartbeat from an unregistered node asks it to register). */
        volatile boolean registered;
        /** Sent its full chunk report during this master run. */
        volatile boolean reported;
        volatile boolean draining;

        Node(String id, String address) {
            this.id = id;
            this.address = address;
        }

        long free() {
            long f = capacity - used - placed;
            if (available >= 0) {
                f = Math.min(f, available - placed);
            }
            return Math.max(0, f);
        }
    }

    public NodeRegistry(Clock clock, Duration deadAfter, long chunkSize) {
        this.clock = clock;
        this.deadAfter = deadAfter;
        this.chunkSize = chunkSize;
    }

    /** A node known from the metadata store, not yet heard from. */
    public void remember(String id, String address) {
        nodes.putIfAbsent(id, new Node(id, address));
    }

    /**
     * Records a registration; true when the registry did not know the node before (not from the
     * metadata store either): its first registration with the cluster.
     */
    public boolean register(String id, String address, long capacity, long used, long chunks, Long available) {
        boolean[] made = {false};
        Node n = nodes.computeIfAbsent(id, k -> {
            made[0] = true;
            return new Node(id, address);
        });
        n.address = address;
        n.registered = true;
        n.reported = false;
        update(n, capacity, used, chunks, available);
        return made[0];
    }

    /** Records a heartbeat; false when the node has not registered with this master run. */
    public boolean heartbeat(String id, String address, long capacity, long used, long chunks, Long available) {
        Node n = nodes.get(id);
        if (n == null || !n.registered) {
            return false;
        }
        n.address = address;
        update(n, capacity, used, chunks, available);
        return true;
    }

    private void update(Node n, long capacity, long used, long chunks, Long available) {
        n.capacity = capacity;
        n.used = used;
        n.chunks = chunks;
        n.available = available == null ? -1 : available;
        n.placed = 0;
        n.lastSeenMs = clock.millis();
    }

    /** Counts a chunk just placed on a node against its free space until its next heartbeat says the truth. */
    /** Keeps what datanode {@code id}'s heartbeat said of its scrubber (for the status page). */
    public void scrubbed(String id, io.cairn.common.wire.Requests.Scrub scrub) {
        if (nodes.containsKey(id)) {
            scrubs.put(id, scrub);
        }
    }

    /** What datanode {@code id} last said of its scrubber, or null. */
    public io.cairn.common.wire.Requests.Scrub scrubOf(String id) {
        return scrubs.get(id);
    }

    public void reserve(String id, long bytes) {
        Node n = nodes.get(id);
        if (n != null) {
            n.placed += bytes;
        }
    }

    public void markReported(String id) {
        Node n = nodes.get(id);
        if (n != null) {
            n.reported = true;
        }
    }

    /** Known nodes that have not yet registered and reported their chunks in this master run. */
    public List<String> notReported() {
        List<String> out = new ArrayList<>();
        for (Node n : nodes.values()) {
            if (!n.reported) {
                out.add(n.id);
            }
        }
        return out;
    }

    public void setDraining(String id) {
        Node n = nodes.get(id);
        if (n != null) {
            n.draining = true;
        }
    }

    public boolean isDraining(String id) {
        Node n = nodes.get(id);
        return n != null && n.draining;
    }

    public boolean isLive(String id) {
        Node n = nodes.get(id);
        return n != null && live(n);
    }

    public boolean isKnown(String id) {
        return nodes.containsKey(id);
    }

    private boolean live(Node n) {
        return n.lastSeenMs > 0 && clock.millis() - n.lastSeenMs < deadAfter.toMillis();
    }

    public String address(String id) {
        Node n = nodes.get(id);
        return n == null ? null : n.address;
    }

    /** Finds a node by id, id prefix (at least 8 characters) or address. */
    public String resolve(String idOrAddress) {
        for (Node n : nodes.values()) {
            if (n.id.equals(idOrAddress) || idOrAddress.equals(n.address)
                    || (idOrAddress.length() >= 8 && n.id.startsWith(idOrAddress))) {
                return n.id;
            }
        }
        return null;
    }

    public List<NodeView> snapshot() {
        List<NodeView> out = new ArrayList<>();
        for (Node n : nodes.values()) {
            out.add(new NodeView(n.id, n.address, live(n), n.capacity, n.used, n.free(), n.draining));
        }
        out.sort(Comparator.comparing(NodeView::id));
        return out;
    }

    public List<NodeInfo> describe(ToLongFunction<String> replicasOn) {
        List<NodeInfo> out = new ArrayList<>();
        for (Node n : nodes.values()) {
            out.add(new NodeInfo(n.id, n.address, live(n) ? "live" : "dead", n.capacity, n.used, n.chunks,
                    n.lastSeenMs, n.free() < chunkSize, n.draining, replicasOn.applyAsLong(n.id)));
        }
        out.sort(Comparator.comparing(NodeInfo::id));
        return out;
    }
}
