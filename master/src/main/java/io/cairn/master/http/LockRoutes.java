package io.cairn.master.http;

import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.locks.Locks;
import io.cairn.master.namespace.Namespace;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/**
 * /api/v1/sessions and /api/v1/locks: a mount opens, renews and closes its session, and takes,
 * releases and tests locks through it, on inodes inside the directory its token is confined to.
 * Retrying any of these is safe: taking a lock one holds already, or releasing one not held,
 * changes nothing.
 */
final class LockRoutes implements RouteGroup {
    private final Locks locks;
    private final Confined in;

    LockRoutes(Locks locks, Namespace ns) {
        this.locks = locks;
        this.in = new Confined(ns);
    }

    @Override
    public void install(Routes r) {
        r.post("/api/v1/sessions", Requests.OpenSession.class, (ctx, b) -> Reply.json(ctx, locks.open(b)));
        r.post("/api/v1/sessions/renew", Requests.SessionRef.class, (ctx, b) -> {
            locks.renew(b);
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/sessions/close", Requests.SessionRef.class, (ctx, b) -> {
            locks.close(b);
            Reply.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/locks", Requests.Lock.class, (ctx, b) -> {
            in.inode(ctx, b.inode());
            Reply.json(ctx, locks.lock(b));
        });
        r.post("/api/v1/locks/test", Requests.Lock.class, (ctx, b) -> {
            in.inode(ctx, b.inode());
            Reply.json(ctx, locks.test(b));
        });
    }
}
