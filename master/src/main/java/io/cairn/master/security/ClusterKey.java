package io.cairn.master.security;

import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.SecretFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The cluster key, in {@code cluster.key} in the master's data directory: made on the first start
 * (mode 0600), refused when others may read it. Every master of a cluster holds the same file (the
 * operator copies it); datanode keys and chunk tokens are made from it, so no master keeps a state
 * of its own that another could not recompute.
 */
public final class ClusterKey {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterKey.class);
    public static final String FILE = "cluster.key";

    private final byte[] key;

    private ClusterKey(byte[] key) {
        this.key = key;
    }

    /** The key in {@code dataDir}, made there first if there is none. */
    public static ClusterKey openOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        String text = SecretFile.readIfPresent(file);
        if (text == null) {
            SecretFile.write(file, NodeKeys.toText(NodeKeys.newClusterKey()), false);
            LOG.info("made the cluster key: {} (copy it to every master of this cluster; keep it secret)", file);
            text = SecretFile.read(file);
        }
        try {
            return new ClusterKey(NodeKeys.fromText(text));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " does not hold a cluster key");
        }
    }

    /** The key of datanode {@code nodeId}. */
    public byte[] nodeKey(String nodeId) {
        return NodeKeys.nodeKey(key, nodeId);
    }

    /** HMAC-SHA256 under the cluster key itself (for what only masters make and check). */
    public byte[] mac(byte[] message) {
        return NodeKeys.hmac(key, message);
    }
}
