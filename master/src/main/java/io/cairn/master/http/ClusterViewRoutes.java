package io.cairn.master.http;

import io.cairn.master.cluster.ClusterAdmin;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/** The cluster's status and its datanodes: for every client and for monitoring. */
final class ClusterViewRoutes implements RouteGroup {
    private final ClusterAdmin admin;

    ClusterViewRoutes(ClusterAdmin admin) {
        this.admin = admin;
    }

    @Override
    public void install(Routes r) {
        r.get("/api/v1/status", ctx -> Reply.json(ctx, admin.status()));
        r.get("/api/v1/nodes", ctx -> Reply.json(ctx, admin.nodes()));
    }
}
