package io.cairn.datanode.http;

import io.cairn.common.wire.Replies;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/** GET /healthz: that this datanode answers, and nothing about what it holds. Open to anyone. */
final class HealthRoute implements RouteGroup {
    static final String PATH = "/healthz";

    @Override
    public void install(Routes routes) {
        routes.get(PATH, ctx -> Reply.json(ctx, Replies.Ok.OK));
    }
}
