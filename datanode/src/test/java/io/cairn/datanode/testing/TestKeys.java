package io.cairn.datanode.testing;

import io.cairn.common.security.ChunkTokens;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.SecretFile;
import io.cairn.common.wire.Replica;
import io.cairn.datanode.DatanodeServer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A datanode's key and chunk tokens as a test makes them, in the master's place: a key written into
 * a data directory before its datanode starts, and tokens minted with it.
 */
public final class TestKeys {
    private TestKeys() {
    }

    /**
     * Gives the datanode of {@code dataDir} a new random key, and returns it. Its datanode may be
     * running already: it reads the key when it first needs one.
     */
    public static byte[] provision(Path dataDir) throws IOException {
        byte[] key = NodeKeys.newClusterKey();
        SecretFile.write(dataDir.resolve("node.key"), NodeKeys.toText(key), true);
        return key;
    }

    /** A token for {@code ops} on {@code chunkId} of node {@code nodeId}, valid for the usual lifetime. */
    public static String token(byte[] key, String nodeId, String chunkId, String ops) {
        return ChunkTokens.mint(key, nodeId, chunkId, ops, System.currentTimeMillis() + ChunkTokens.LIFETIME.toMillis());
    }

    /** A status token for node {@code nodeId}. */
    public static String status(byte[] key, String nodeId) {
        return token(key, nodeId, ChunkTokens.STATUS_CHUNK, "s");
    }

    /** {@code s} as a replica of {@code chunkId} whose token allows read, write and delete. */
    public static Replica replica(DatanodeServer s, byte[] key, String chunkId) {
        return new Replica(s.nodeId(), s.url(), token(key, s.nodeId(), chunkId, "rwd"));
    }
}
