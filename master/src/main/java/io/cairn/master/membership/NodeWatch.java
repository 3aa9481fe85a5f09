package io.cairn.master.membership;

import io.cairn.common.wire.NodeInfo;
import io.cairn.master.events.Events;
import io.cairn.master.meta.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Turns the registry's view of the datanodes into events: a node that was heard from and is no
 * longer live is dead, a dead node that is live again is back, a live node that cannot take one
 * more chunk is full, and a draining node that holds no more replicas is drained. Liveness is
 * decided on the registry's clock when {@link #check} runs (the master runs it every half second).
 *
 * <p>What it told of is kept in memory, so after a master restart a node still dead is not told
 * dead again until it was heard from, and a drained node is told drained once more.
 */
public final class NodeWatch {
    private static final Logger LOG = LoggerFactory.getLogger(NodeWatch.class);

    private final NodeRegistry registry;
    private final MetadataStore store;
    private final Events events;
    private final Duration deadAfter;
    private final Set<String> dead = new HashSet<>();
    private final Set<String> full = new HashSet<>();
    private final Set<String> drained = new HashSet<>();

    public NodeWatch(NodeRegistry registry, MetadataStore store, Events events, Duration deadAfter) {
        this.registry = registry;
        this.store = store;
        this.events = events;
        this.deadAfter = deadAfter;
    }

    /** Records what changed since the last check; never throws. */
    public synchronized void check() {
        for (NodeInfo n : registry.describe(id -> 0)) {
            boolean live = "live".equals(n.state());
            String id = n.id();
            if (!live && n.lastHeartbeatMs() > 0 && dead.add(id)) {
                events.record(Events.DEAD, id, null, "datanode " + id + " at " + n.address() + " is dead: no heartbeat for "
                        + deadAfter.toMillis() + " ms");
            } else if (live && dead.remove(id)) {
                events.record(Events.BACK, id, null, "datanode " + id + " at " + n.address() + " is live again");
            }
            if (live && n.full()) {
                if (full.add(id)) {
                    events.record(Events.FULL, id, null, "datanode " + id + " is full: " + n.used() + " of "
                            + n.capacity() + " bytes used, no room for another chunk");
                }
            } else if (live) {
                full.remove(id);
            }
            if (n.decommissioning() && !drained.contains(id)) {
                checkDrained(id);
            }
        }
    }

    private void checkDrained(String id) {
        try {
            long left = store.read(tx -> tx.countReplicasOn(id));
            if (left == 0) {
                drained.add(id);
                events.record(Events.DRAINED, id, null, "datanode " + id + " is drained: it holds no replica the"
                        + " cluster counts; it may be stopped");
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not count the replicas left on draining datanode {}: {}", id, e.toString());
        }
    }
}
