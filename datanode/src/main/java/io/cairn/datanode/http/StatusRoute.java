package io.cairn.datanode.http;

import io.cairn.common.wire.Replies;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

import java.util.function.Supplier;

/** GET /api/v1/status: who this datanode is and how full it is. */
final class StatusRoute implements RouteGroup {
    private final Supplier<Replies.DatanodeStatus> status;

    StatusRoute(Supplier<Replies.DatanodeStatus> status) {
        this.status = status;
    }

    @Override
    public void install(Routes routes) {
        routes.get("/api/v1/status", ctx -> Reply.json(ctx, status.get()));
    }
}
