package io.cairn.master.http;

import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.MasterServer;
import io.javalin.config.JavalinConfig;

/** The master's HTTP API, /api/v1: namespace, chunk lists, and datanode membership. */
public final class MasterRoutes {
    private MasterRoutes() {
    }

    public static void install(JavalinConfig config, MasterServer m) {
        var r = config.routes;
        r.get("/api/v1/status", ctx -> Api.json(ctx, m.status()));
        r.get("/api/v1/fs/attr", ctx -> {
            String inode = ctx.queryParam("inode");
            Api.json(ctx, inode != null ? m.namespace().attr(Api.longParam(ctx, "inode", null))
                    : m.namespace().attr(Api.param(ctx, "path")));
        });
        r.get("/api/v1/fs/list", ctx -> Api.json(ctx, m.namespace().list(Api.param(ctx, "path"),
                ctx.queryParam("after"), (int) Math.min(Integer.MAX_VALUE, Api.longParam(ctx, "limit", 1000L)))));
        r.post("/api/v1/fs/mkdir", ctx -> Api.json(ctx, m.namespace().mkdir(Api.body(ctx, Requests.Mkdir.class))));
        r.post("/api/v1/fs/create", ctx -> Api.json(ctx, m.namespace().create(Api.body(ctx, Requests.Create.class))));
        r.post("/api/v1/fs/symlink", ctx -> Api.json(ctx, m.namespace().symlink(Api.body(ctx, Requests.Symlink.class))));
        r.post("/api/v1/fs/link", ctx -> Api.json(ctx, m.namespace().link(Api.body(ctx, Requests.Link.class))));
        r.post("/api/v1/fs/unlink", ctx -> {
            m.namespace().unlink(Api.body(ctx, Requests.Remove.class).path());
            Api.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/fs/rmdir", ctx -> {
            m.namespace().rmdir(Api.body(ctx, Requests.Remove.class).path());
            Api.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/fs/rename", ctx -> {
            m.namespace().rename(Api.body(ctx, Requests.Rename.class));
            Api.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/fs/setattr", ctx -> Api.json(ctx, m.namespace().setAttr(Api.body(ctx, Requests.SetAttr.class))));
        r.get("/api/v1/fs/chunks", ctx -> Api.json(ctx, m.chunkLists().layout(Api.longParam(ctx, "inode", null),
                Api.longParam(ctx, "from", 0L), (int) Math.min(Integer.MAX_VALUE, Api.longParam(ctx, "limit", 1024L)))));
        r.post("/api/v1/fs/allocate", ctx -> Api.json(ctx, m.chunkLists().allocate(Api.body(ctx, Requests.Allocate.class))));
        r.post("/api/v1/fs/commit", ctx -> Api.json(ctx, m.chunkLists().commit(Api.body(ctx, Requests.Commit.class))));
        r.get("/api/v1/nodes", ctx -> Api.json(ctx, m.nodes()));
        r.post("/api/v1/nodes/bad", ctx -> {
            Requests.BadReplicas b = Api.body(ctx, Requests.BadReplicas.class);
            m.repair().reportBad(b.nodeId(), b.chunkIds());
            Api.json(ctx, Replies.Ok.OK);
        });
        r.post("/api/v1/nodes/checksums", ctx -> {
            Requests.ChunkIds ids = Api.body(ctx, Requests.ChunkIds.class);
            if (ids.chunkIds() == null || ids.chunkIds().size() > 10_000) {
                throw new io.cairn.common.error.CairnException(io.cairn.common.error.ErrorCode.EINVAL,
                        "1 to 10000 chunk ids per request");
            }
            java.util.Map<String, Replies.ChunkSum> sums = new java.util.HashMap<>();
            for (String id : ids.chunkIds()) {
                io.cairn.common.path.PathRules.chunkId(id);
            }
            m.store().read(tx -> {
                for (String id : ids.chunkIds()) {
                    long[] sum = tx.chunkSum(id);
                    if (sum != null) {
                        sums.put(id, new Replies.ChunkSum(sum[0], sum[1]));
                    }
                }
                return null;
            });
            Api.json(ctx, new Replies.Checksums(sums));
        });
        r.post("/api/v1/nodes/decommission", ctx -> Api.json(ctx,
                m.decommission(Api.body(ctx, Requests.Decommission.class).node())));
        r.get("/api/v1/fsck", ctx -> {
            String path = io.cairn.common.path.PathRules.normalize(ctx.queryParam("path") == null ? "/" : ctx.queryParam("path"));
            Api.json(ctx, m.fsck().check(path, m.namespace().inodeAt(path)));
        });
        r.get("/api/v1/admin/backup", ctx -> Backups.send(ctx, m));
        r.post("/api/v1/nodes/register", ctx -> Api.json(ctx, m.membership().register(Api.body(ctx, Requests.Register.class))));
        r.post("/api/v1/nodes/heartbeat", ctx -> Api.json(ctx, m.membership().heartbeat(Api.body(ctx, Requests.Heartbeat.class))));
        r.post("/api/v1/nodes/report", ctx -> {
            m.membership().report(Api.body(ctx, Requests.ChunkReport.class));
            Api.json(ctx, Replies.Ok.OK);
        });
        r.exception(Exception.class, Api::onException);
        r.error(404, ctx -> {
            if (ctx.attribute(Api.WRITTEN) == null) {
                Api.error(ctx, ErrorCode.ENOSYS, "no such route: " + ctx.method() + " " + ctx.path());
            }
        });
        r.error(405, ctx -> Api.error(ctx, ErrorCode.ENOSYS, "method not allowed: " + ctx.method() + " " + ctx.path()));
    }
}
