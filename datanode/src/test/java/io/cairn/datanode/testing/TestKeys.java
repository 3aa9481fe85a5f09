package io.cairn.datanode.testing;

import io.cairn.common.security.ChunkTokens;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.NodeSignature;
import io.cairn.common.security.SecretFile;
import io.cairn.common.wire.Replica;
import io.cairn.datanode.DatanodeServer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
        PROVISIONED.add(key);
        return key;
    }

    /** Every key {@link #provision} made in this JVM: the master's side of them, for {@link FakeMaster}. */
    private static final List<byte[]> PROVISIONED = new CopyOnWriteArrayList<>();

    /** Makes a node key written by other test code known to {@link FakeMaster}, which signs replies with it. */
    public static void known(byte[] key) {
        PROVISIONED.add(key.clone());
    }

    /** The key, of those provisioned, that made the signature {@code claim} of this request; null when none did. */
    static byte[] signerOf(NodeSignature.Claim claim, String method, String pathAndQuery, byte[] body) {
        for (byte[] k : PROVISIONED) {
            if (NodeSignature.verify(k, claim, method, pathAndQuery, body)) {
                return k;
            }
        }
        return null;
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
