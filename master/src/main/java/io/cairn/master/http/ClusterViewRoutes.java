package io.cairn.master.http;

import io.cairn.common.wire.Replies;
import io.cairn.master.cluster.ClusterAdmin;
import io.cairn.master.events.Events;
import io.cairn.master.security.Principal;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/** The cluster's status, its datanodes, its events, and who the caller is: for every client and for monitoring. */
final class ClusterViewRoutes implements RouteGroup {
    private final ClusterAdmin admin;
    private final EventRoutes events;

    ClusterViewRoutes(ClusterAdmin admin, Events events) {
        this.admin = admin;
        this.events = new EventRoutes(events);
    }

    @Override
    public void install(Routes r) {
        r.get("/api/v1/status", ctx -> Reply.json(ctx, admin.status()));
        r.get("/api/v1/nodes", ctx -> Reply.json(ctx, admin.nodes()));
        r.get("/api/v1/whoami", ctx -> {
            Principal p = Principal.of(ctx);
            Reply.json(ctx, new Replies.WhoAmI(p.name(), p.scope().wire(), p.subtree().root()));
        });
        events.install(r);
    }
}
