package io.cairn.master.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.ChunkTokens;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.SecretFile;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.datanode.DatanodeServer;
import io.cairn.master.Callers;
import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;
import io.cairn.server.Group;
import io.cairn.server.Guard;
import io.cairn.server.Route;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A real master and a real datanode (registered with it), each on port 0 and each serving, beside
 * its own routes, a test-only group whose routes fail on purpose. The datanode holds the key the
 * master makes for it from the cluster key, so the master's chunk tokens open its chunks.
 */
final class BothServers implements AutoCloseable {
    /** Throws an exception no rule foresaw. */
    static final String BOOM = "/api/v1/test/boom";
    /** Throws an IllegalArgumentException. */
    static final String ILLEGAL = "/api/v1/test/illegal";

    static final Group FAULTS = new Group("test-faults", Guard.OPEN, r -> {
        r.get(BOOM, ctx -> {
            throw new IllegalStateException("a bug no rule foresaw");
        });
        r.get(ILLEGAL, ctx -> {
            throw new IllegalArgumentException("a value a rule refused");
        });
    });

    final MasterServer master;
    final DatanodeServer datanode;
    final byte[] nodeKey;

    BothServers(Path dir) throws IOException {
        master = MasterServer.start(MasterConfig.defaults(dir.resolve("master")).withPort(0), List.of(FAULTS));
        try {
            datanode = DatanodeServer.start(new DatanodeConfig("127.0.0.1", 0, dir.resolve("datanode"), master.url(),
                    null, Duration.ofMillis(100), 0, 0, Clock.systemUTC())
                    .withJoinTokenFile(Callers.joinTokenFile(master, dir.resolve("datanode.join"))), List.of(FAULTS));
            Raw.authorize(master.port(), Callers.adminHeader(master));
            awaitRegistered();
            byte[] clusterKey = NodeKeys.fromText(SecretFile.read(dir.resolve("master").resolve("cluster.key")));
            nodeKey = NodeKeys.nodeKey(clusterKey, datanode.nodeId());
            SecretFile.write(datanode.dataDir().resolve("node.key"), NodeKeys.toText(nodeKey), true);
        } catch (IOException | RuntimeException e) {
            master.close();
            throw e;
        }
    }

    /** A token for {@code ops} on {@code chunk} of the datanode. */
    String token(String chunk, String ops) {
        return ChunkTokens.mint(nodeKey, datanode.nodeId(), chunk, ops,
                System.currentTimeMillis() + ChunkTokens.LIFETIME.toMillis());
    }

    /** The Authorization header line that lets a request through the guard of datanode route {@code r} (for {@code chunk}). */
    String authFor(Route r, String chunk) {
        String t = r.path().contains("{id}") ? token(chunk, "rwd")
                : r.path().equals("/api/v1/status") ? token(ChunkTokens.STATUS_CHUNK, "s") : null;
        return t == null ? null : "Authorization: " + ChunkTokens.header(t);
    }

    /** The Authorization header line of a datanode status request. */
    String statusAuth() {
        return "Authorization: " + ChunkTokens.header(token(ChunkTokens.STATUS_CHUNK, "s"));
    }

    private void awaitRegistered() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (master.nodes().stream().noneMatch(n -> n.id().equals(datanode.nodeId()) && "live".equals(n.state()))) {
            if (System.nanoTime() > deadline) {
                throw new CairnException(ErrorCode.EIO, "the datanode did not register within 20 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    @Override
    public void close() {
        try {
            datanode.close();
        } finally {
            master.close();
        }
    }
}
