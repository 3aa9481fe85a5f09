package io.cairn.common.wire;

/** What the master says about the cluster as a whole ({@code df} reads capacity and used from it). */
public record ClusterStatus(String clusterId, String version, long chunkSize, int replication, int minReplicas,
                            long capacity, long used, int liveNodes, int deadNodes, long files, long inodes) {
}
