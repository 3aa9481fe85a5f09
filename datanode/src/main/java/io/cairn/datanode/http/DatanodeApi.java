package io.cairn.datanode.http;

import io.cairn.common.wire.Replies;
import io.cairn.datanode.store.ChunkStore;
import io.cairn.server.Group;
import io.cairn.server.Guard;

import java.util.List;
import java.util.function.Supplier;

/** The datanode's route groups, each behind its guard (open for now): chunks, and status. */
public final class DatanodeApi {
    private DatanodeApi() {
    }

    /**
     * @param status what GET /api/v1/status answers
     */
    public static List<Group> groups(ChunkStore store, Supplier<Replies.DatanodeStatus> status) {
        return List.of(
                new Group("chunks", Guard.OPEN, new ChunkRoutes(store)),
                new Group("status", Guard.OPEN, new StatusRoute(status)));
    }
}
