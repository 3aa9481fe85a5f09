package io.cairn.common.wire;

import java.util.List;

/** Reply bodies that are not a plain resource. */
public final class Replies {
    private Replies() {
    }

    public record Ok(boolean ok) {
        public static final Ok OK = new Ok(true);
    }

    public record Registered(String clusterId, String nodeId) {
    }

    /** The master's answer to a heartbeat: work for the datanode. */
    public record HeartbeatReply(List<String> deleteChunks) {
    }

    /** What a datanode says after storing a chunk. */
    public record Stored(String id, long size, long crc32c) {
    }

    public record DatanodeStatus(String nodeId, String clusterId, String address, long capacity, long used,
                                 long chunks) {
    }
}
