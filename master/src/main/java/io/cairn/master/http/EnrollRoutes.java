package io.cairn.master.http;

import io.cairn.common.security.NodeKeys;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.security.ClusterKey;
import io.cairn.master.security.TokenStore;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A datanode enrolls: it shows a join token (used up by it) and is given its node key, which it
 * keeps and signs with from then on.
 */
final class EnrollRoutes implements RouteGroup {
    private static final Logger LOG = LoggerFactory.getLogger(EnrollRoutes.class);
    private final TokenStore tokens;
    private final ClusterKey key;
    private final String clusterId;

    EnrollRoutes(TokenStore tokens, ClusterKey key, String clusterId) {
        this.tokens = tokens;
        this.key = key;
        this.clusterId = clusterId;
    }

    @Override
    public void install(Routes r) {
        r.post("/api/v1/nodes/enroll", Requests.Enroll.class, (ctx, b) -> {
            String token = ctx.header("Authorization").substring("Bearer ".length()).trim();
            String used = tokens.enroll(token, b.nodeId());
            LOG.info("datanode {} enrolled with join token {}", b.nodeId(), used);
            int version = key.current();
            Reply.json(ctx, new Replies.Enrolled(b.nodeId(), clusterId, NodeKeys.toText(key.nodeKey(b.nodeId(), version)),
                    version));
        });
    }
}
