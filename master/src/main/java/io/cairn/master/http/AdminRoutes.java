package io.cairn.master.http;

import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Requests;
import io.cairn.master.security.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.cairn.master.cluster.ClusterAdmin;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;
import io.javalin.http.Context;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;

/** The cluster as a whole: decommission, fsck, and a backup of the metadata (what only an admin may do). */
final class AdminRoutes implements RouteGroup {
    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
    private final ClusterAdmin admin;

    AdminRoutes(ClusterAdmin admin) {
        this.admin = admin;
    }

    @Override
    public void install(Routes r) {
        r.post("/api/v1/nodes/decommission", Requests.Decommission.class, (ctx, b) -> {
            LOG.info("{} decommissions datanode {}", Principal.who(ctx), PathRules.printable(String.valueOf(b.node())));
            Reply.json(ctx, admin.decommission(b.node()));
        });
        r.get("/api/v1/fsck", ctx -> Reply.json(ctx, admin.fsck(ctx.queryParam("path"))));
        r.get("/api/v1/admin/backup", this::backup);
    }

    /** Streams a consistent copy of the metadata database, made while the master keeps serving. */
    private void backup(Context ctx) throws Exception {
        LOG.info("{} takes a backup of the metadata", Principal.who(ctx));
        try (ClusterAdmin.Backup b = admin.backup()) {
            ctx.status(200).contentType("application/vnd.sqlite3");
            ctx.header("Content-Length", Long.toString(b.size()));
            try (InputStream in = Files.newInputStream(b.file()); OutputStream out = ctx.outputStream()) {
                in.transferTo(out);
            }
        }
    }
}
