package io.cairn.datanode.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.security.ChunkTokens;
import io.cairn.common.security.NodeKeyRing;
import io.cairn.server.Guard;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;

/**
 * Who may touch this datanode's chunks: a caller with a chunk token the master minted for this
 * node ({@link ChunkTokens}), checked with this node's key alone. The key is read from the data
 * directory each time (a datanode that enrolls after it started has it from then on, and a key the
 * master gave it is used at once: the directory reads the file again only when it changed); a
 * datanode without one refuses every request (EAUTH). The guards here run before each route:
 * GET and HEAD of a chunk need a read token, PUT a write token, DELETE a delete token, the status
 * a status token; a sync names its chunks in its body, so its handler checks a write token per
 * chunk ({@link #check}).
 */
public final class ChunkAccess {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkAccess.class);

    /** Where this node's keys come from: null before the node has them. */
    @FunctionalInterface
    public interface KeySource {
        NodeKeyRing keys() throws IOException;
    }

    private final String nodeId;
    private final KeySource source;
    private final Clock clock;

    public ChunkAccess(String nodeId, KeySource source, Clock clock) {
        this.nodeId = nodeId;
        this.source = source;
        this.clock = clock;
    }

    /** This node's key; EAUTH when it has none (or an unusable one), as then no token can be checked. */
    private NodeKeyRing key() throws CairnException {
        NodeKeyRing k;
        try {
            k = source.keys();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot check chunk tokens: {}", e.getMessage());
            k = null;
        }
        if (k == null) {
            throw new CairnException(ErrorCode.EAUTH, "this datanode has no node key yet, so it serves no chunk");
        }
        return k;
    }

    /** Checks that {@code token} allows {@code op} on chunk {@code chunkId} here (EAUTH or EACCES otherwise). */
    void check(String token, String chunkId, ChunkTokens.Op op) throws CairnException {
        ChunkTokens.check(key()::key, nodeId, token, chunkId, op, clock.millis());
    }

    /** The token a request carries in its Authorization header, or null. */
    static String tokenOf(Context ctx) {
        return ChunkTokens.fromHeader(ctx.header("Authorization"));
    }

    /**
     * The guard of the chunk routes: the operation is the method's, the chunk the path's. A POST
     * (the sync) only needs this node to have a key here; its handler checks each chunk's token.
     */
    Guard chunks() {
        return ctx -> {
            String m = ctx.method().name();
            if (m.equals("POST")) {
                key();
                return;
            }
            ChunkTokens.Op op = switch (m) {
                case "GET", "HEAD" -> ChunkTokens.Op.READ;
                case "PUT" -> ChunkTokens.Op.WRITE;
                case "DELETE" -> ChunkTokens.Op.DELETE;
                default -> throw new CairnException(ErrorCode.EACCES, "no chunk token allows " + m);
            };
            // a malformed id is EINVAL, before any token is looked at: no token names one
            check(tokenOf(ctx), PathRules.chunkId(ctx.pathParam("id")), op);
        };
    }

    /** The guard of the status route: a status token ({@link ChunkTokens#STATUS_CHUNK}, op "s"). */
    Guard status() {
        return ctx -> check(tokenOf(ctx), ChunkTokens.STATUS_CHUNK, ChunkTokens.Op.STATUS);
    }
}
