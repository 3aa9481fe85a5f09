package io.cairn.master.repair;

import io.cairn.master.events.Events;
import io.cairn.master.membership.NodeRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * After a restart the master deletes and re-replicates nothing until every datanode it knew has
 * registered and reported its chunks, or until {@code timeout} passes: a slow datanode is not
 * mistaken for lost data.
 */
public final class SafeMode {
    private final NodeRegistry nodes;
    private final Clock clock;
    private final long until;
    private final Events events;
    private final AtomicBoolean over = new AtomicBoolean();
    /** Whether {@link #enter} found safe mode on (so its end is told). */
    private volatile boolean entered;

    public SafeMode(NodeRegistry nodes, Clock clock, Duration timeout) {
        this(nodes, clock, timeout, Events.discard());
    }

    /** @param events where entering safe mode (see {@link #enter}) and leaving it are recorded */
    public SafeMode(NodeRegistry nodes, Clock clock, Duration timeout, Events events) {
        this.nodes = nodes;
        this.clock = clock;
        this.until = clock.millis() + timeout.toMillis();
        this.events = events;
    }

    /**
     * Called once the known datanodes are loaded: records that safe mode is on, when it is (a new
     * cluster with no datanode known has nothing to wait for, and no safe mode to tell of).
     */
    public void enter() {
        if (active()) {
            entered = true;
            events.record(Events.SAFE_MODE_ENTERED, null, null, status());
        }
    }

    public boolean active() {
        if (over.get()) {
            return false;
        }
        if (nodes.notReported().isEmpty() || clock.millis() >= until) {
            if (over.compareAndSet(false, true) && entered) {
                boolean timedOut = !nodes.notReported().isEmpty();
                events.record(Events.SAFE_MODE_LEFT, null, null, timedOut
                        ? "safe mode left after its timeout; " + nodes.notReported().size()
                        + " datanode(s) never reported their chunks"
                        : "safe mode left: every known datanode reported its chunks");
            }
            return false;
        }
        return true;
    }

    /** Why safe mode is on, for fsck and logs. */
    public String status() {
        if (!active()) {
            return "ready";
        }
        List<String> waiting = nodes.notReported();
        return "safe mode: waiting for " + waiting.size() + " datanode(s) to report their chunks ("
                + Math.max(0, (until - clock.millis()) / 1000) + " s left)";
    }
}
