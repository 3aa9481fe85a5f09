package io.cairn.master.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

/**
 * What a caller may do. A client token has one of the first four; a join token lets a datanode
 * enroll and nothing else; a datanode's signed requests have {@link #NODE}.
 */
public enum Scope {
    /** Everything, including tokens, join tokens, backup, decommission and fsck. */
    ADMIN("admin"),
    /** Read and change the namespace and file contents. */
    READ_WRITE("read-write"),
    /** Read the namespace and file contents. */
    READ_ONLY("read-only"),
    /** The cluster's status and its datanodes, nothing of the namespace. */
    METRICS("metrics"),
    /** Enroll one datanode, once. */
    JOIN("join"),
    /** A datanode's own calls: register, report, heartbeat, bad replicas. */
    NODE("node");

    private final String wire;

    Scope(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public boolean reads() {
        return this == ADMIN || this == READ_WRITE || this == READ_ONLY;
    }

    public boolean writes() {
        return this == ADMIN || this == READ_WRITE;
    }

    /** Whether it may see the cluster's status and datanode list. */
    public boolean seesCluster() {
        return reads() || this == METRICS;
    }

    /** The scope a client token may be made with, by its wire name. */
    public static Scope ofClientToken(String s) throws CairnException {
        for (Scope v : new Scope[] {ADMIN, READ_WRITE, READ_ONLY, METRICS}) {
            if (v.wire.equals(s)) {
                return v;
            }
        }
        throw new CairnException(ErrorCode.EINVAL, "a token's scope is admin, read-write, read-only or metrics, not '"
                + (s == null ? "" : s.length() > 32 ? s.substring(0, 32) + "..." : s) + "'");
    }
}
