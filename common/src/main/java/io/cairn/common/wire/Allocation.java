package io.cairn.common.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;

/**
 * The master's answer to "where does a new chunk go": a fresh id and the datanodes to write it to.
 * The writer holds a lease on the id for {@code leaseMs}; until it commits the chunk it renews the
 * lease ({@code POST /fs/renew}), or the chunk may be collected as an orphan and its commit refused.
 * {@code more} holds the further allocations of a call that asked for several (null otherwise).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Allocation(String chunkId, List<Replica> targets, int replication, int minReplicas, long leaseMs,
                         List<Allocation> more) {
    public Allocation(String chunkId, List<Replica> targets, int replication, int minReplicas, long leaseMs) {
        this(chunkId, targets, replication, minReplicas, leaseMs, null);
    }

    /** An allocation whose lease needs no renewal ({@code leaseMs} 0): for clusters kept in memory by tests. */
    public Allocation(String chunkId, List<Replica> targets, int replication, int minReplicas) {
        this(chunkId, targets, replication, minReplicas, 0, null);
    }

    /** This allocation and the further ones it came with, each on its own. */
    public List<Allocation> all() {
        List<Allocation> out = new ArrayList<>();
        out.add(new Allocation(chunkId, targets, replication, minReplicas, leaseMs, null));
        if (more != null) {
            out.addAll(more);
        }
        return out;
    }
}
