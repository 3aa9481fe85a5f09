package io.cairn.datanode.http;

import io.cairn.common.wire.Replies;
import io.cairn.datanode.scrub.BadChunks;
import io.cairn.datanode.store.ChunkStore;
import io.cairn.server.Group;
import io.cairn.server.Guard;

import java.util.List;
import java.util.function.Supplier;

/**
 * The datanode's route groups, each behind its guard: chunks and status need a chunk token the
 * master minted for this node ({@link ChunkAccess}); only the health check is open.
 */
public final class DatanodeApi {
    private DatanodeApi() {
    }

    /**
     * @param status what GET /api/v1/status answers
     * @param access checks the chunk tokens of callers
     * @param bad    where a chunk a read found bad goes (the scrubber, which reports it)
     */
    public static List<Group> groups(ChunkStore store, Supplier<Replies.DatanodeStatus> status, ChunkAccess access,
                                     BadChunks bad) {
        return List.of(
                new Group("chunks", access.chunks(), new ChunkRoutes(store, access, bad)),
                new Group("status", access.status(), new StatusRoute(status)),
                new Group("health", Guard.OPEN, new HealthRoute()));
    }
}
