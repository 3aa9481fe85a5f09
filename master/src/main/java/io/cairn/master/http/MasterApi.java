package io.cairn.master.http;

import io.cairn.master.cluster.ClusterAdmin;
import io.cairn.master.membership.Membership;
import io.cairn.master.namespace.ChunkLists;
import io.cairn.master.namespace.Namespace;
import io.cairn.master.repair.Repair;
import io.cairn.server.Group;
import io.cairn.server.Guard;

import java.util.List;

/**
 * The master's /api/v1 as route groups, each given the one service it calls and a guard (open for
 * now): namespace, chunk lists, datanode membership, bad replica reports, and administration.
 */
public final class MasterApi {
    private MasterApi() {
    }

    public static List<Group> groups(Namespace namespace, ChunkLists chunkLists, Membership membership, Repair repair,
                                     ClusterAdmin admin) {
        return List.of(
                new Group("namespace", Guard.OPEN, new NamespaceRoutes(namespace)),
                new Group("chunks", Guard.OPEN, new ChunkListRoutes(chunkLists)),
                new Group("nodes", Guard.OPEN, new NodeRoutes(membership)),
                new Group("bad-replicas", Guard.OPEN, new BadReplicaRoutes(repair)),
                new Group("admin", Guard.OPEN, new AdminRoutes(admin)));
    }
}
