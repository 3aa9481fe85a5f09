package io.cairn.master.http;

import io.cairn.common.wire.Replies;
import io.cairn.master.security.ClusterKey;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The versions of the cluster key this master holds, and the version each datanode last signed
 * with, as this master saw it: what an admin watches while rotating ({@code cairn admin key
 * status}). Never a key.
 */
final class KeyRoutes implements RouteGroup {
    private final ClusterKey key;

    KeyRoutes(ClusterKey key) {
        this.key = key;
    }

    @Override
    public void install(Routes r) {
        r.get("/api/v1/admin/keys", ctx -> {
            List<Replies.NodeKeyVersion> nodes = new ArrayList<>();
            for (Map.Entry<String, Integer> e : new TreeMap<>(key.nodeVersions()).entrySet()) {
                nodes.add(new Replies.NodeKeyVersion(e.getKey(), e.getValue()));
            }
            Reply.json(ctx, new Replies.KeyStatus(key.versions(), key.current(), nodes));
        });
    }
}
