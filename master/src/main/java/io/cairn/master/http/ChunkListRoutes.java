package io.cairn.master.http;

import io.cairn.common.wire.Requests;
import io.cairn.master.namespace.ChunkLists;
import io.cairn.master.namespace.Namespace;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/**
 * A file's chunk list: read it (paged), allocate a new chunk and its targets (with a lease),
 * renew the leases of chunks not yet committed, commit written chunks; each of a file in the
 * directory the caller's token is confined to, and for a token limited in its ids one the uid it
 * acts as may read (the list) or write (allocations, commits).
 */
final class ChunkListRoutes implements RouteGroup {
    private final ChunkLists chunks;
    private final Confined in;

    ChunkListRoutes(ChunkLists chunks, Namespace ns) {
        this.chunks = chunks;
        this.in = new Confined(ns);
    }

    @Override
    public void install(Routes r) {
        r.get("/api/v1/fs/chunks", ctx -> Reply.json(ctx, chunks.layout(in.readable(ctx, Query.number(ctx, "inode", null)),
                Query.number(ctx, "from", 0L), Query.limit(ctx, 1024))));
        r.post("/api/v1/fs/allocate", Requests.Allocate.class,
                (ctx, b) -> {
                    in.writable(ctx, b.inode());
                    Reply.json(ctx, chunks.allocate(b, RequestIds.of(ctx)));
                });
        r.post("/api/v1/fs/renew", Requests.Renew.class, (ctx, b) -> Reply.json(ctx, chunks.renew(b)));
        r.post("/api/v1/fs/commit", Requests.Commit.class, (ctx, b) -> {
            in.writable(ctx, b.inode());
            Reply.json(ctx, chunks.commit(b, RequestIds.of(ctx)));
        });
    }
}
