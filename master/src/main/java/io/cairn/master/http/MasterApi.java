package io.cairn.master.http;

import io.cairn.master.cluster.ClusterAdmin;
import io.cairn.master.events.Events;
import io.cairn.master.membership.Membership;
import io.cairn.master.namespace.ChunkLists;
import io.cairn.master.namespace.Namespace;
import io.cairn.master.repair.Repair;
import io.cairn.master.security.ClusterKey;
import io.cairn.master.security.Guards;
import io.cairn.master.security.TokenStore;
import io.cairn.server.Group;
import io.cairn.server.Guard;

import java.util.List;

/**
 * The master's /api/v1 as route groups, each given the one service it calls and the guard that
 * says who may call it: namespace and chunk lists (readers and writers), datanode membership
 * (datanodes, each for itself), bad replica reports, the cluster's status, administration and
 * tokens (admins), enrollment (a join token); and the open health check.
 */
public final class MasterApi {
    private MasterApi() {
    }

    /** What the routes call. */
    public record Services(Namespace namespace, ChunkLists chunkLists, Membership membership, Repair repair,
                           ClusterAdmin admin, TokenStore tokens, ClusterKey clusterKey, String clusterId,
                           Events events) {
        /** Services without a store of events (its route answers an empty page). */
        public Services(Namespace namespace, ChunkLists chunkLists, Membership membership, Repair repair,
                        ClusterAdmin admin, TokenStore tokens, ClusterKey clusterKey, String clusterId) {
            this(namespace, chunkLists, membership, repair, admin, tokens, clusterKey, clusterId, Events.discard());
        }
    }

    /**
     * The status page's routes ({@code GET /}, the login form's {@code POST /login}, {@code POST
     * /logout}): to be installed open, as the page shows a login form to a caller without a token.
     */
    public static io.cairn.server.RouteGroup statusPage(ClusterAdmin admin, Repair repair,
                                                        io.cairn.master.repair.SafeMode safeMode,
                                                        io.cairn.master.security.Authenticator auth,
                                                        PageEvents events, java.util.function.Supplier<String> self,
                                                        long startedMs) {
        return new StatusPage(admin, repair, safeMode, auth, events, self, startedMs);
    }

    /** Mount sessions and the locks held through them, on inodes inside the caller's directory. */
    public static io.cairn.server.RouteGroup locks(io.cairn.master.locks.Locks locks, Namespace namespace) {
        return new LockRoutes(locks, namespace);
    }

    /** The events the status page shows, newest first. */
    @FunctionalInterface
    public interface PageEvents {
        List<io.cairn.common.wire.Replies.Event> recent(int limit) throws java.io.IOException;
    }

    public static List<Group> groups(Services s, Guards guards) {
        return List.of(
                new Group("health", Guard.OPEN, new HealthRoutes()),
                new Group("namespace", guards.files(), new NamespaceRoutes(s.namespace())),
                new Group("chunks", guards.files(), new ChunkListRoutes(s.chunkLists(), s.namespace())),
                new Group("enroll", guards.enroll(), new EnrollRoutes(s.tokens(), s.clusterKey(), s.clusterId())),
                new Group("nodes", guards.nodes(), new NodeRoutes(s.membership(), s.tokens())),
                new Group("bad-replicas", guards.badReplicas(), new BadReplicaRoutes(s.repair())),
                new Group("cluster", guards.clusterView(), new ClusterViewRoutes(s.admin(), s.events())),
                new Group("admin", guards.admin(), new AdminRoutes(s.admin())),
                new Group("tokens", guards.admin(), new TokenRoutes(s.tokens(), s.namespace())),
                new Group("keys", guards.admin(), new KeyRoutes(s.clusterKey())));
    }
}
