package io.cairn.master.http;

import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.namespace.Namespace;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/**
 * /api/v1/fs: attributes, extended attributes, listings, every change to names and attributes (each under its request id),
 * and the barrier that makes the changes so far survive a power cut. What a request names is taken
 * inside the directory its token is confined to, and checked as the uid it acts as for a token
 * limited in its ids ({@link Confined}).
 */
final class NamespaceRoutes implements RouteGroup {
    private final Namespace ns;
    private final Confined in;

    NamespaceRoutes(Namespace ns) {
        this.ns = ns;
        this.in = new Confined(ns);
    }

    @Override
    public void install(Routes r) {
        r.get("/api/v1/fs/attr", ctx -> Reply.json(ctx, ctx.queryParam("inode") != null
                ? ns.attr(in.inode(ctx, Query.number(ctx, "inode", null)))
                : ns.attr(in.path(ctx, Query.param(ctx, "path")), in.permissions(ctx))));
        r.get("/api/v1/fs/list", ctx -> Reply.json(ctx, ns.list(in.path(ctx, Query.param(ctx, "path")),
                ctx.queryParam("after"), Query.limit(ctx, 1000), in.permissions(ctx))));
        r.post("/api/v1/fs/mkdir", Requests.Mkdir.class, (ctx, b) -> Reply.json(ctx, ns.mkdir(
                new Requests.Mkdir(in.path(ctx, b.path()), b.mode(), in.newUid(ctx, b.uid()), in.newGid(ctx, b.gid()),
                        b.parents()), RequestIds.of(ctx), in.permissions(ctx))));
        r.post("/api/v1/fs/create", Requests.Create.class, (ctx, b) -> {
            Requests.Create c = new Requests.Create(in.path(ctx, b.path()), b.type(), b.mode(), in.newUid(ctx, b.uid()),
                    in.newGid(ctx, b.gid()), b.rdev(),
                    b.exclusive(), b.allocate());
            Reply.json(ctx, Boolean.TRUE.equals(c.allocate())
                    ? ns.createForWriting(c, RequestIds.of(ctx), in.permissions(ctx))
                    : ns.create(c, RequestIds.of(ctx), in.permissions(ctx)));
        });
        r.post("/api/v1/fs/symlink", Requests.Symlink.class, (ctx, b) -> Reply.json(ctx, ns.symlink(
                new Requests.Symlink(in.entry(ctx, b.path()), b.target(), in.newUid(ctx, b.uid()),
                        in.newGid(ctx, b.gid())), RequestIds.of(ctx), in.permissions(ctx))));
        r.post("/api/v1/fs/link", Requests.Link.class, (ctx, b) -> Reply.json(ctx, ns.link(
                new Requests.Link(in.entry(ctx, b.existing()), in.entry(ctx, b.path())), RequestIds.of(ctx), in.permissions(ctx))));
        r.post("/api/v1/fs/unlink", Requests.Remove.class, (ctx, b) -> {
            ns.unlink(in.entry(ctx, b.path()), b.keepFor(), RequestIds.of(ctx), in.permissions(ctx));
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/fs/rmdir", Requests.Remove.class, (ctx, b) -> {
            ns.rmdir(in.entry(ctx, b.path()), RequestIds.of(ctx), in.permissions(ctx));
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/fs/rename", Requests.Rename.class, (ctx, b) -> {
            ns.rename(new Requests.Rename(in.entry(ctx, b.from()), in.entry(ctx, b.to()), b.noReplace()),
                    RequestIds.of(ctx), in.permissions(ctx));
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/fs/release", Requests.Release.class, (ctx, b) -> {
            ns.release(b.session(), in.inode(ctx, b.inode()), RequestIds.of(ctx));
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/fs/sync", Requests.Sync.class, (ctx, b) -> {
            ns.sync();
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.get("/api/v1/fs/xattr", ctx -> Reply.json(ctx, ns.xattrs().get(in.path(ctx, Query.param(ctx, "path")),
                Query.param(ctx, "name"), in.permissions(ctx))));
        r.get("/api/v1/fs/xattrs", ctx -> Reply.json(ctx, ns.xattrs().list(in.path(ctx, Query.param(ctx, "path")),
                in.permissions(ctx))));
        r.post("/api/v1/fs/setxattr", Requests.SetXattr.class, (ctx, b) -> Reply.json(ctx, ns.xattrs().set(
                new Requests.SetXattr(in.path(ctx, b.path()), b.name(), b.value(), b.flags()), RequestIds.of(ctx), in.permissions(ctx))));
        r.post("/api/v1/fs/removexattr", Requests.RemoveXattr.class, (ctx, b) -> Reply.json(ctx, ns.xattrs().remove(
                new Requests.RemoveXattr(in.path(ctx, b.path()), b.name()), RequestIds.of(ctx), in.permissions(ctx))));
        r.post("/api/v1/fs/setattr", Requests.SetAttr.class, (ctx, b) -> Reply.json(ctx, ns.setAttr(
                new Requests.SetAttr(in.path(ctx, b.path()), in.inode(ctx, b.inode()), b.mode(), in.uid(ctx, b.uid()),
                        in.gid(ctx, b.gid()),
                        b.size(), b.atimeNs(), b.mtimeNs()), RequestIds.of(ctx), in.permissions(ctx))));
    }
}
