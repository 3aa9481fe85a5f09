package io.cairn.master.membership;

import io.cairn.master.lease.Leases;
import io.cairn.master.meta.MetaTx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a datanode is told to delete, decided inside its heartbeat's transaction, and what it has
 * confirmed deleting. A deletion handed out stays recorded until the datanode confirms it (in a
 * later heartbeat), so that meanwhile no chunk report brings that replica back; a node that
 * registers anew gets the unconfirmed ones again.
 *
 * <ul>
 *   <li><b>Garbage</b> (a dropped chunk after its grace period, or a trimmed copy of a chunk still in
 *       use): a copy that is wanted again (a replica row names it, or too few other good copies of
 *       its chunk are left) is not deleted: its deletion is cancelled and it counts again.</li>
 *   <li><b>Orphans</b> (reported, no file uses them, seen longer ago than the orphan grace period):
 *       deleted unless a live lease holds them; deleting one drops its lease in the same
 *       transaction, so that no commit of it can succeed afterwards.</li>
 * </ul>
 */
final class Deletions {
    /** Most deletions handed out per heartbeat, of each kind. */
    static final int BATCH = 1000;

    private final NodeRegistry registry;
    private final Leases leases;
    private final int replication;

    Deletions(NodeRegistry registry, Leases leases, int replication) {
        this.registry = registry;
        this.leases = leases;
        this.replication = replication;
    }

    /** The datanode deleted these as told: their deletions are done. */
    void confirm(MetaTx tx, String node, List<String> deleted) throws IOException {
        for (String id : deleted) {
            tx.deleteGarbage(id, node);
        }
    }

    /**
     * The chunks {@code node} is to delete now: garbage queued before {@code garbageBeforeNs}, and
     * orphans first seen at or before {@code orphanSeenByMs}.
     */
    List<String> handOut(MetaTx tx, String node, long garbageBeforeNs, long orphanSeenByMs, long nowMs)
            throws IOException {
        List<String> out = new ArrayList<>();
        for (String chunk : tx.queuedGarbage(node, garbageBeforeNs, BATCH)) {
            if (wanted(tx, chunk, node)) {
                tx.deleteGarbage(chunk, node);
                tx.addReplica(chunk, node);
                continue;
            }
            tx.handOutGarbage(chunk, node, nowMs);
            out.add(chunk);
        }
        for (String chunk : tx.takeOrphans(node, orphanSeenByMs, BATCH)) {
            if (tx.chunkExists(chunk)) {
                continue; // committed after all
            }
            if (leases.held(tx, chunk)) {
                tx.addOrphan(chunk, node, nowMs); // its writer is still at work: look again a grace period later
                continue;
            }
            leases.release(tx, chunk);
            out.add(chunk);
        }
        return out;
    }

    /**
     * Whether the copy of {@code chunk} on {@code node} must be kept after all: the master counts it
     * as a replica again, or the chunk is still in use and fewer than R other good copies (on live,
     * not draining nodes, not known bad) exist.
     */
    private boolean wanted(MetaTx tx, String chunk, String node) throws IOException {
        List<String> replicas = tx.replicas(chunk);
        if (replicas.contains(node)) {
            return true;
        }
        if (!tx.chunkExists(chunk)) {
            return false; // dropped: nothing uses it
        }
        List<String> bad = tx.badNodes(chunk);
        long good = replicas.stream().filter(n -> registry.isLive(n) && !registry.isDraining(n) && !bad.contains(n))
                .count();
        return good < replication;
    }
}
