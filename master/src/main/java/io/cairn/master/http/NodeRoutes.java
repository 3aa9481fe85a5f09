package io.cairn.master.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Requests;
import io.cairn.master.security.Principal;
import io.cairn.master.security.TokenStore;
import io.javalin.http.Context;
import io.cairn.master.membership.Membership;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/** What datanodes call to stay members: register, report their chunks, heartbeat. */
final class NodeRoutes implements RouteGroup {
    private final Membership membership;
    private final TokenStore tokens;

    NodeRoutes(Membership membership, TokenStore tokens) {
        this.membership = membership;
        this.tokens = tokens;
    }

    @Override
    public void install(Routes r) {
        r.post("/api/v1/nodes/register", Requests.Register.class, (ctx, b) -> {
            self(ctx, b.nodeId());
            Reply.json(ctx, membership.register(b));
        });
        r.post("/api/v1/nodes/heartbeat", Requests.Heartbeat.class, (ctx, b) -> {
            self(ctx, b.nodeId());
            Reply.json(ctx, membership.heartbeat(b).withMonitorTokens(tokens.monitorHashes()));
        });
        r.post("/api/v1/nodes/report", Requests.ChunkReport.class, (ctx, b) -> {
            self(ctx, b.nodeId());
            Reply.json(ctx, membership.report(b));
        });
    }

    /** A datanode speaks only for itself: the id in the body is the id its key signs for. */
    private static void self(Context ctx, String bodyNodeId) throws CairnException {
        Principal p = Principal.of(ctx);
        if (p == null || p.nodeId() == null || !p.nodeId().equals(bodyNodeId)) {
            throw new CairnException(ErrorCode.EACCES, (p == null ? "an unknown caller" : p.name())
                    + " may not speak for datanode " + PathRules.printable(String.valueOf(bodyNodeId)));
        }
    }
}
