package io.cairn.master.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.namespace.Namespace;
import io.cairn.master.security.Owners;
import io.cairn.master.security.Principal;
import io.cairn.master.security.Subtree;
import io.cairn.master.security.TokenStore;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

import java.io.IOException;

/** Client tokens (make, list, revoke) and join tokens for datanodes: for admins only. */
final class TokenRoutes implements RouteGroup {
    private final TokenStore tokens;
    private final Namespace ns;

    TokenRoutes(TokenStore tokens, Namespace ns) {
        this.tokens = tokens;
        this.ns = ns;
    }

    /** A token is confined only to a directory that exists (a name moved or removed later confines it to nothing). */
    private void directory(String subtree) throws IOException {
        if (subtree != null && !ns.inodeAt(PathRules.normalize(subtree)).isDir()) {
            throw new CairnException(ErrorCode.ENOTDIR, "a token can be confined to a directory only; "
                    + PathRules.printable(subtree) + " is not one");
        }
    }

    @Override
    public void install(Routes r) {
        r.post("/api/v1/admin/tokens", Requests.TokenCreate.class,
                (ctx, b) -> {
                    directory(b.subtree());
                    Reply.json(ctx, tokens.create(b.name(), b.scope(), b.ttlMs(), Subtree.of(b.subtree()),
                            Owners.of(b.uids(), b.gids(), Boolean.TRUE.equals(b.squashRoot()),
                                    Boolean.TRUE.equals(b.squashAll())), Principal.who(ctx)));
                });
        r.get("/api/v1/admin/tokens", ctx -> Reply.json(ctx, tokens.list()));
        r.delete("/api/v1/admin/tokens/{name}", ctx -> {
            tokens.revoke(ctx.pathParam("name"), Principal.who(ctx));
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/admin/join-tokens", Requests.JoinTokenCreate.class,
                (ctx, b) -> Reply.json(ctx, tokens.createJoin(b.nodeId(), b.ttlMs(), Principal.who(ctx))));
    }
}
