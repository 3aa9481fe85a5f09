package io.cairn.master.http;

import io.cairn.common.wire.Requests;
import io.cairn.master.cluster.ClusterAdmin;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;
import io.javalin.http.Context;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;

/** The cluster as a whole: status, datanodes, decommission, fsck, and a backup of the metadata. */
final class AdminRoutes implements RouteGroup {
    private final ClusterAdmin admin;

    AdminRoutes(ClusterAdmin admin) {
        this.admin = admin;
    }

    @Override
    public void install(Routes r) {
        r.get("/api/v1/status", ctx -> Reply.json(ctx, admin.status()));
        r.get("/api/v1/nodes", ctx -> Reply.json(ctx, admin.nodes()));
        r.post("/api/v1/nodes/decommission", Requests.Decommission.class,
                (ctx, b) -> Reply.json(ctx, admin.decommission(b.node())));
        r.get("/api/v1/fsck", ctx -> Reply.json(ctx, admin.fsck(ctx.queryParam("path"))));
        r.get("/api/v1/admin/backup", this::backup);
    }

    /** Streams a consistent copy of the metadata database, made while the master keeps serving. */
    private void backup(Context ctx) throws Exception {
        try (ClusterAdmin.Backup b = admin.backup()) {
            ctx.status(200).contentType("application/vnd.sqlite3");
            ctx.header("Content-Length", Long.toString(b.size()));
            try (InputStream in = Files.newInputStream(b.file()); OutputStream out = ctx.outputStream()) {
                in.transferTo(out);
            }
        }
    }
}
