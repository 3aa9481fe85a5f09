package io.cairn.common.wire;

import java.util.List;

/** Reply bodies that are not a plain resource. */
public final class Replies {
    private Replies() {
    }

    public record Ok(boolean ok) {
        public static final Ok OK = new Ok(true);
    }

    /**
     * The answer to a create that asked for an allocation: the file's attributes and its first chunk's
     * allocation, leased to the file (null when the name is not a regular file or no datanode can
     * take a chunk: the writer then allocates as usual).
     */
    /** The value of one extended attribute. */
    public record Xattr(byte[] value) {
    }

    /** The names of an inode's extended attributes, in byte order. */
    public record XattrNames(List<String> names) {
    }

    public record Created(Attr attr, Allocation allocation) {
    }

    public record Registered(String clusterId, String nodeId) {
    }

    /**
     * The answer to a part of a chunk report: for a full report, the generation its later parts
     * carry (null for a report of chunks gained).
     */
    public record Reported(boolean ok, Long generation) {
    }

    /**
     * The answer to a lease renewal: the leases now last {@code leaseMs} more; {@code lost} are the
     * chunk ids no longer held (their leases ended and they may be deleted: their commit is refused).
     * Ids already committed are neither renewed nor lost.
     */
    public record Renewed(long leaseMs, List<String> lost) {
    }

    /**
     * The master's answer to a heartbeat: work for the datanode. {@code deleteChunks}: chunk files to
     * remove; {@code replicate}: chunks to copy from another datanode (datanode to datanode, never
     * through the master) and then report.
     */
    /**
     * {@code monitorTokens}: the SHA-256 hashes (hex) of the metrics tokens in force, which the
     * datanode's {@code /metrics} and status page accept (null from a master that sends none).
     */
    public record HeartbeatReply(List<String> deleteChunks, List<ReplicateOrder> replicate, List<String> monitorTokens) {
        public HeartbeatReply(List<String> deleteChunks) {
            this(deleteChunks, List.of());
        }

        public HeartbeatReply(List<String> deleteChunks, List<ReplicateOrder> replicate) {
            this(deleteChunks, replicate, null);
        }

        /** This reply, carrying {@code hashes}. */
        public HeartbeatReply withMonitorTokens(List<String> hashes) {
            return new HeartbeatReply(deleteChunks, replicate, hashes);
        }
    }

    /**
     * Copy chunk {@code chunkId} ({@code size} bytes, {@code crc32c}) from the first of {@code sources}
     * that has it; {@code sourceTokens} holds, in the same order, the chunk token that lets the
     * copier read it there (null, or shorter: none for those sources).
     */
    public record ReplicateOrder(String chunkId, long size, long crc32c, List<String> sources,
                                 List<String> sourceTokens) {
        public ReplicateOrder(String chunkId, long size, long crc32c, List<String> sources) {
            this(chunkId, size, crc32c, sources, null);
        }

        /** The token for source {@code i}, or null. */
        public String tokenFor(int i) {
            return sourceTokens == null || i >= sourceTokens.size() ? null : sourceTokens.get(i);
        }

        @Override
        public String toString() {
            return "ReplicateOrder[chunkId=" + chunkId + ", size=" + size + ", sources=" + sources + "]";
        }
    }

    /** What {@code cairn fsck} reports. */
    public record FsckReport(String path, boolean safeMode, String status, long files, long chunks,
                             long underReplicated, long missing, long corrupt, List<FsckProblem> paths) {
    }

    /** One file with a problem: "under-replicated", "missing" or "corrupt". */
    public record FsckProblem(String path, String problem) {
    }

    /** What a datanode says after storing a chunk. */
    public record Stored(String id, long size, long crc32c) {
    }

    public record DatanodeStatus(String nodeId, String clusterId, String address, long capacity, long used,
                                 long chunks) {
    }

    /** A token just made: the only time the token itself is shown. {@code expiresMs} 0: never. */
    public record TokenMade(String name, String scope, String token, long expiresMs) {
    }

    /** A token as listed: never the token, never its hash. */
    /**
     * A token as listed; {@code subtree}: the directory it is confined to (null: the whole namespace);
     * {@code uids}, {@code gids}: the ids it may give files (null: any); {@code squashRoot}: uid and gid 0 become nobody;
     * {@code squashAll}: every uid and gid does.
     */
    public record TokenInfo(String name, String scope, long createdMs, long expiresMs, String madeBy, String subtree,
                            String uids, String gids, boolean squashRoot, boolean squashAll) {
    }

    /** A datanode's key, given once when it enrolls (in hex, as its node.key file holds it). */
    /** The cluster key versions a master holds, the newest (datanodes move to it), and each datanode's version. */
    public record KeyStatus(List<Integer> versions, int current, List<NodeKeyVersion> nodes) {
    }

    /** The key version datanode {@code nodeId} last signed a request with. */
    public record NodeKeyVersion(String nodeId, int keyVersion) {
    }

    /** A datanode's key, of version {@code keyVersion} (null from a master before key versions: 1). */
    public record Enrolled(String nodeId, String clusterId, String nodeKey, Integer keyVersion) {
    }

    /**
     * Who the master takes the caller for: the token's name, its scope, and the directory it is
     * confined to ({@code /}: the whole namespace; null from a master that does not confine tokens).
     */
    public record WhoAmI(String name, String scope, String subtree) {
    }

    /**
     * One thing that happened to the cluster: its id (increasing), when (unix ms, the master's clock),
     * its kind (such as {@code node.dead} or {@code repair.started}), the datanode and the chunk it is
     * about (each null when none) and a one-line message for people.
     */
    public record Event(long id, long timeMs, String kind, String node, String chunk, String message) {
    }

    /** A page of cluster events, oldest first. */
    public record Events(List<Event> events) {
    }

    /** A mount's session: its id, and how long it lives unless renewed (the mount renews at a quarter of it). */
    public record Session(String session, long ttlMs) {
    }

    /**
     * The answer to a lock, an unlock or a test: whether it was granted (for a test: whether nothing
     * stands in its way), the lock that stands in its way when not, and on a granted lock the
     * inode's attributes as they are now, for the mount to revalidate its caches.
     */
    public record Locked(boolean granted, LockHolder holder, Attr attr) {
    }

    /**
     * A lock that conflicts: {@code read} or {@code write}, its range (inclusive; {@code end} is
     * {@code Long.MAX_VALUE} for "to the end of the file"), the pid its process had on its own
     * machine, and whether it is held through the same session as the caller's (only then is the
     * pid one of the caller's machine).
     */
    public record LockHolder(String type, long start, long end, int pid, boolean sameSession) {
    }
}
