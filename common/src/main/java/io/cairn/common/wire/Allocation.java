package io.cairn.common.wire;

import java.util.List;

/** The master's answer to "where does a new chunk go": a fresh id and the datanodes to write it to. */
public record Allocation(String chunkId, List<Replica> targets, int replication, int minReplicas) {
}
