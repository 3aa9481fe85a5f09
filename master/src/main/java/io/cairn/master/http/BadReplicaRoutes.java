package io.cairn.master.http;

import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.repair.Repair;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/**
 * Replicas found bad, reported by a datanode's scrubber or by a client that read them: a group of
 * its own, since both kinds of caller send it.
 */
final class BadReplicaRoutes implements RouteGroup {
    private final Repair repair;

    BadReplicaRoutes(Repair repair) {
        this.repair = repair;
    }

    @Override
    public void install(Routes r) {
        r.post("/api/v1/nodes/bad", Requests.BadReplicas.class, (ctx, b) -> {
            repair.reportBad(b.nodeId(), b.chunkIds());
            Reply.json(ctx, Replies.Ok.OK);
        });
    }
}
