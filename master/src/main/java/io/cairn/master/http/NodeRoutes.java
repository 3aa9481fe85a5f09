package io.cairn.master.http;

import io.cairn.common.wire.Requests;
import io.cairn.master.membership.Membership;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/** What datanodes call to stay members: register, report their chunks, heartbeat. */
final class NodeRoutes implements RouteGroup {
    private final Membership membership;

    NodeRoutes(Membership membership) {
        this.membership = membership;
    }

    @Override
    public void install(Routes r) {
        r.post("/api/v1/nodes/register", Requests.Register.class, (ctx, b) -> Reply.json(ctx, membership.register(b)));
        r.post("/api/v1/nodes/heartbeat", Requests.Heartbeat.class,
                (ctx, b) -> Reply.json(ctx, membership.heartbeat(b)));
        r.post("/api/v1/nodes/report", Requests.ChunkReport.class, (ctx, b) -> Reply.json(ctx, membership.report(b)));
    }
}
