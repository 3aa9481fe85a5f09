package io.cairn.master.http;

import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.namespace.Namespace;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/**
 * /api/v1/fs: attributes, extended attributes, listings, every change to names and attributes (each under its request id),
 * and the barrier that makes the changes so far survive a power cut.
 */
final class NamespaceRoutes implements RouteGroup {
    private final Namespace ns;

    NamespaceRoutes(Namespace ns) {
        this.ns = ns;
    }

    @Override
    public void install(Routes r) {
        r.get("/api/v1/fs/attr", ctx -> Reply.json(ctx, ctx.queryParam("inode") != null
                ? ns.attr(Query.number(ctx, "inode", null)) : ns.attr(Query.param(ctx, "path"))));
        r.get("/api/v1/fs/list", ctx -> Reply.json(ctx, ns.list(Query.param(ctx, "path"), ctx.queryParam("after"),
                Query.limit(ctx, 1000))));
        r.post("/api/v1/fs/mkdir", Requests.Mkdir.class, (ctx, b) -> Reply.json(ctx, ns.mkdir(b, RequestIds.of(ctx))));
        r.post("/api/v1/fs/create", Requests.Create.class, (ctx, b) -> Reply.json(ctx, Boolean.TRUE.equals(b.allocate())
                ? ns.createForWriting(b, RequestIds.of(ctx)) : ns.create(b, RequestIds.of(ctx))));
        r.post("/api/v1/fs/symlink", Requests.Symlink.class, (ctx, b) -> Reply.json(ctx, ns.symlink(b, RequestIds.of(ctx))));
        r.post("/api/v1/fs/link", Requests.Link.class, (ctx, b) -> Reply.json(ctx, ns.link(b, RequestIds.of(ctx))));
        r.post("/api/v1/fs/unlink", Requests.Remove.class, (ctx, b) -> {
            ns.unlink(b.path(), RequestIds.of(ctx));
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/fs/rmdir", Requests.Remove.class, (ctx, b) -> {
            ns.rmdir(b.path(), RequestIds.of(ctx));
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/fs/rename", Requests.Rename.class, (ctx, b) -> {
            ns.rename(b, RequestIds.of(ctx));
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/fs/sync", Requests.Sync.class, (ctx, b) -> {
            ns.sync();
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.get("/api/v1/fs/xattr", ctx -> Reply.json(ctx, ns.xattrs().get(Query.param(ctx, "path"),
                Query.param(ctx, "name"))));
        r.get("/api/v1/fs/xattrs", ctx -> Reply.json(ctx, ns.xattrs().list(Query.param(ctx, "path"))));
        r.post("/api/v1/fs/setxattr", Requests.SetXattr.class, (ctx, b) -> Reply.json(ctx,
                ns.xattrs().set(b, RequestIds.of(ctx))));
        r.post("/api/v1/fs/removexattr", Requests.RemoveXattr.class, (ctx, b) -> Reply.json(ctx,
                ns.xattrs().remove(b, RequestIds.of(ctx))));
        r.post("/api/v1/fs/setattr", Requests.SetAttr.class, (ctx, b) -> Reply.json(ctx, ns.setAttr(b, RequestIds.of(ctx))));
    }
}
