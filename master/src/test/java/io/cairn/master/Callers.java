package io.cairn.master;

import io.cairn.common.client.Credentials;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.SecretFile;
import io.cairn.master.security.ClusterKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;

/** Who a test calls a master as: its first admin, or a datanode that enrolled as a real one does. */
public final class Callers {
    private Callers() {
    }

    /** The master's first admin token. */
    public static String adminToken(MasterServer m) {
        try {
            return SecretFile.read(m.adminTokenFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The master's first admin, for clients built on {@code Http}. */
    public static Credentials admin(MasterServer m) {
        return Credentials.bearer(m.url(), adminToken(m));
    }

    /** The header line a raw request carries to be the first admin. */
    public static String adminHeader(MasterServer m) {
        return "Authorization: Bearer " + adminToken(m);
    }

    /** Enrolls datanode {@code nodeId} (with a join token made for it) and signs as it from then on. */
    public static Credentials node(MasterServer m, String nodeId) {
        try {
            m.tokens().enroll(m.tokens().createJoin(nodeId, null, "test").token(), nodeId);
            byte[] key = NodeKeys.fromText(SecretFile.read(m.clusterKeyFile()));
            return Credentials.node(m.url(), nodeId, NodeKeys.nodeKey(key, nodeId), Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file holding a new join token of {@code m}, as {@code cairn admin join-token --out} writes it. */
    public static Path joinTokenFile(MasterServer m, Path file) {
        try {
            SecretFile.write(file, m.tokens().createJoin(null, null, "test").token(), true);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String clusterKeyFileName() {
        return ClusterKey.FILE;
    }
}
