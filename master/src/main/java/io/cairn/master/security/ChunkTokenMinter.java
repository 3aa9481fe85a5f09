package io.cairn.master.security;

import io.cairn.common.security.ChunkTokens;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Replica;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the master makes every chunk token it gives out ({@link ChunkTokens}): read tokens for the
 * replicas of a layout and the sources of a copy order, read-write-delete tokens for the targets of
 * an allocation (the writer stores, syncs, may read a copy back to make another, and cleans up).
 * Each lasts {@link ChunkTokens#LIFETIME} from now on the master's clock; each is signed with the
 * key of the node it is for, made from the cluster key, so any master of the cluster mints the same.
 */
public final class ChunkTokenMinter {
    /** What a reader of a chunk may do. */
    public static final String READ = "r";
    /** What the writer of a newly allocated chunk may do. */
    public static final String WRITE = "rwd";

    /** Which version of a node's key to mint under, and that key. */
    private interface Keys {
        int version(String nodeId);

        byte[] key(String nodeId, int version);
    }

    private final Keys keys;
    private final Clock clock;

    /** Mints under the version of each node's key that it last signed with ({@link ClusterKey#mintingVersion}). */
    public ChunkTokenMinter(ClusterKey clusterKey, Clock clock) {
        this(new Keys() {
            @Override
            public int version(String nodeId) {
                return clusterKey.mintingVersion(nodeId);
            }

            @Override
            public byte[] key(String nodeId, int version) {
                return clusterKey.nodeKey(nodeId, version);
            }
        }, clock);
    }

    private ChunkTokenMinter(Keys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** A minter under a random cluster key no datanode holds: for masters kept in memory by unit tests. */
    public static ChunkTokenMinter throwaway(Clock clock) {
        byte[] key = NodeKeys.newClusterKey();
        return new ChunkTokenMinter(new Keys() {
            @Override
            public int version(String nodeId) {
                return 1;
            }

            @Override
            public byte[] key(String nodeId, int version) {
                return NodeKeys.nodeKey(key, nodeId);
            }
        }, clock);
    }

    /** A token for {@code ops} on chunk {@code chunkId} of node {@code nodeId}. */
    public String mint(String nodeId, String chunkId, String ops) {
        int version = keys.version(nodeId);
        byte[] key = keys.key(nodeId, version);
        if (key == null) { // retired between the two reads: the newest is held
            version = keys.version(nodeId);
            key = keys.key(nodeId, version);
        }
        return ChunkTokens.mint(key, version, nodeId, chunkId, ops, clock.millis() + ChunkTokens.LIFETIME.toMillis());
    }

    /** {@code replicas} of chunk {@code chunkId}, each with a token for {@code ops} there. */
    public List<Replica> withTokens(String chunkId, List<Replica> replicas, String ops) {
        List<Replica> out = new ArrayList<>(replicas.size());
        for (Replica r : replicas) {
            out.add(r.withToken(mint(r.id(), chunkId, ops)));
        }
        return out;
    }

    /** {@code a} with a fresh {@link #WRITE} token on each of its targets (null stays null). */
    public Allocation withTokens(Allocation a) {
        if (a == null) {
            return null;
        }
        return new Allocation(a.chunkId(), withTokens(a.chunkId(), a.targets(), WRITE), a.replication(),
                a.minReplicas(), a.leaseMs());
    }
}
