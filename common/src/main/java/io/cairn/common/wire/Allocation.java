package io.cairn.common.wire;

import java.util.List;

/**
 * The master's answer to "where does a new chunk go": a fresh id and the datanodes to write it to.
 * The writer holds a lease on the id for {@code leaseMs}; until it commits the chunk it renews the
 * lease ({@code POST /fs/renew}), or the chunk may be collected as an orphan and its commit refused.
 */
public record Allocation(String chunkId, List<Replica> targets, int replication, int minReplicas, long leaseMs) {
    /** An allocation whose lease needs no renewal ({@code leaseMs} 0): for clusters kept in memory by tests. */
    public Allocation(String chunkId, List<Replica> targets, int replication, int minReplicas) {
        this(chunkId, targets, replication, minReplicas, 0);
    }
}
