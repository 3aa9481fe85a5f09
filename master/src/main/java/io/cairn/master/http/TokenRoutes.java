package io.cairn.master.http;

import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.security.Principal;
import io.cairn.master.security.TokenStore;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/** Client tokens (make, list, revoke) and join tokens for datanodes: for admins only. */
final class TokenRoutes implements RouteGroup {
    private final TokenStore tokens;

    TokenRoutes(TokenStore tokens) {
        this.tokens = tokens;
    }

    @Override
    public void install(Routes r) {
        r.post("/api/v1/admin/tokens", Requests.TokenCreate.class,
                (ctx, b) -> Reply.json(ctx, tokens.create(b.name(), b.scope(), b.ttlMs(), Principal.who(ctx))));
        r.get("/api/v1/admin/tokens", ctx -> Reply.json(ctx, tokens.list()));
        r.delete("/api/v1/admin/tokens/{name}", ctx -> {
            tokens.revoke(ctx.pathParam("name"), Principal.who(ctx));
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/admin/join-tokens", Requests.JoinTokenCreate.class,
                (ctx, b) -> Reply.json(ctx, tokens.createJoin(b.nodeId(), b.ttlMs(), Principal.who(ctx))));
    }
}
