package io.cairn.datanode.http;

import io.cairn.common.wire.Replies;
import io.javalin.config.RoutesConfig;

import java.util.function.Supplier;

/** GET /api/v1/status: who this datanode is and how full it is. */
final class StatusRoute {
    private StatusRoute() {
    }

    static void install(RoutesConfig routes, Supplier<Replies.DatanodeStatus> status) {
        routes.get("/api/v1/status", ctx -> JsonReply.send(ctx, 200, status.get()));
    }
}
