package io.cairn.master.repair;

import io.cairn.master.membership.NodeRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * After a restart the master deletes and re-replicates nothing until every datanode it knew has
 * registered and reported its chunks, or until {@code timeout} passes: a slow datanode is not
 * mistaken for lost data.
 */
public final class SafeMode {
    private final NodeRegistry nodes;
    private final Clock clock;
    private final long until;
    private volatile boolean over;

    public SafeMode(NodeRegistry nodes, Clock clock, Duration timeout) {
        this.nodes = nodes;
        this.clock = clock;
        this.until = clock.millis() + timeout.toMillis();
    }

    public boolean active() {
        if (over) {
            return false;
        }
        if (nodes.notReported().isEmpty() || clock.millis() >= until) {
            over = true;
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
