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

/**
 * Who is in the cluster and who is alive. A node is live while its last heartbeat is younger than
 * {@code deadAfter} on the injected clock; nodes known from earlier runs start dead until they
 * report in.
 */
public final class NodeRegistry {
    private final Clock clock;
    private final Duration deadAfter;
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();

    private static final class Node {
        final String id;
        volatile String address;
        volatile long capacity;
        volatile long used;
        volatile long chunks;
        /** Millis of the last heartbeat or registration; 0 when never seen by this master run. */
        volatile long lastSeenMs;
        /** Registered during this master run (a heartbeat from an unregistered node asks it to register). */
        volatile boolean registered;

        Node(String id, String address) {
            this.id = id;
            this.address = address;
        }
    }

    public NodeRegistry(Clock clock, Duration deadAfter) {
        this.clock = clock;
        this.deadAfter = deadAfter;
    }

    /** A node known from the metadata store, not yet heard from. */
    public void remember(String id, String address) {
        nodes.putIfAbsent(id, new Node(id, address));
    }

    public void register(String id, String address, long capacity, long used, long chunks) {
        Node n = nodes.computeIfAbsent(id, k -> new Node(id, address));
        n.address = address;
        n.registered = true;
        update(n, capacity, used, chunks);
    }

    /** Records a heartbeat; false when the node has not registered with this master run. */
    public boolean heartbeat(String id, String address, long capacity, long used, long chunks) {
        Node n = nodes.get(id);
        if (n == null || !n.registered) {
            return false;
        }
        n.address = address;
        update(n, capacity, used, chunks);
        return true;
    }

    private void update(Node n, long capacity, long used, long chunks) {
        n.capacity = capacity;
        n.used = used;
        n.chunks = chunks;
        n.lastSeenMs = clock.millis();
    }

    /** Counts a chunk just placed on a node against its free space until its next heartbeat says the truth. */
    public void reserve(String id, long bytes) {
        Node n = nodes.get(id);
        if (n != null) {
            n.used += bytes;
        }
    }

    public boolean isLive(String id) {
        Node n = nodes.get(id);
        return n != null && live(n);
    }

    private boolean live(Node n) {
        return n.lastSeenMs > 0 && clock.millis() - n.lastSeenMs < deadAfter.toMillis();
    }

    public String address(String id) {
        Node n = nodes.get(id);
        return n == null ? null : n.address;
    }

    public List<NodeView> snapshot() {
        List<NodeView> out = new ArrayList<>();
        for (Node n : nodes.values()) {
            out.add(new NodeView(n.id, n.address, live(n), n.capacity, n.used));
        }
        out.sort(Comparator.comparing(NodeView::id));
        return out;
    }

    public List<NodeInfo> describe() {
        List<NodeInfo> out = new ArrayList<>();
        for (Node n : nodes.values()) {
            out.add(new NodeInfo(n.id, n.address, live(n) ? "live" : "dead", n.capacity, n.used, n.chunks, n.lastSeenMs));
        }
        out.sort(Comparator.comparing(NodeInfo::id));
        return out;
    }
}
