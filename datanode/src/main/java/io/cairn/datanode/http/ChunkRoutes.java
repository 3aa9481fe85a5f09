package io.cairn.datanode.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.security.ChunkTokens;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.datanode.scrub.BadChunks;
import io.cairn.datanode.store.ChunkStore;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;

/**
 * PUT, GET, HEAD and DELETE of /api/v1/chunks/{id}, and POST /api/v1/sync: the bytes of the file
 * system. A GET with a Range header is a ranged, checked read ({@link RangedRead}). The group's guard has checked the chunk token of each {id} route; a sync checks one write
 * token per chunk it names, before it syncs any.
 */
final class ChunkRoutes implements RouteGroup {
    static final String PATH = "/api/v1/chunks/{id}";
    static final String OCTETS = "application/octet-stream";
    /** Most chunk ids one sync names. */
    private static final int MAX_SYNC_IDS = 20_000;

    private final ChunkStore store;
    private final ChunkAccess access;
    private final RangedRead ranged;

    ChunkRoutes(ChunkStore store, ChunkAccess access, BadChunks bad) {
        this.store = store;
        this.access = access;
        this.ranged = new RangedRead(store, bad);
    }

    @Override
    public void install(Routes routes) {
        routes.put(PATH, ChunkStore.MAX_CHUNK, this::put);
        routes.get(PATH, this::get);
        routes.head(PATH, this::head);
        routes.delete(PATH, this::delete);
        routes.post("/api/v1/sync", Requests.SyncChunks.class, this::sync);
    }

    /**
     * Streams the body into the store, which checks it against {@code ?crc32c=N} before keeping it
     * (a body over {@link ChunkStore#MAX_CHUNK} is refused by its route before a byte is stored).
     */
    private void put(Context ctx, InputStream body) throws Exception {
        String id = PathRules.chunkId(ctx.pathParam("id"));
        long crc = crc32c(ctx.queryParam("crc32c"));
        long length = ctx.req().getContentLengthLong();
        boolean durable = !"false".equals(ctx.queryParam("sync")); // sync=false: fsync later, on POST /sync
        Replies.Stored stored;
        try {
            stored = store.put(id, body, length, crc, durable);
        } catch (IOException | RuntimeException e) {
            store.metrics().writeFailed();
            throw e;
        }
        store.metrics().written(stored.size());
        Reply.json(ctx, 201, stored);
    }

    /** The whole chunk (200), or with a Range header the blocks it asks for (206, see {@link RangedRead}). */
    private void get(Context ctx) throws Exception {
        String id = PathRules.chunkId(ctx.pathParam("id"));
        ByteRange range = ByteRange.parse(Collections.list(ctx.req().getHeaders("Range")));
        try {
            if (range != null) {
                store.metrics().read(ranged.serve(ctx, id, range));
                return;
            }
            ChunkStore.Chunk chunk = store.open(id); // Javalin closes the stream once it is sent
            ctx.status(200).contentType(OCTETS);
            ctx.res().setContentLengthLong(chunk.size());
            ctx.result(chunk.in());
            store.metrics().read(chunk.size());
        } catch (IOException | RuntimeException e) {
            store.metrics().readFailed();
            throw e;
        }
    }

    /** Whether a chunk is here, and its size, without its bytes. */
    private void head(Context ctx) throws Exception {
        String id = PathRules.chunkId(ctx.pathParam("id"));
        try (ChunkStore.Chunk chunk = store.open(id)) {
            ctx.status(200).contentType(OCTETS);
            ctx.res().setContentLengthLong(chunk.size());
        }
    }

    /**
     * Makes chunks stored with {@code sync=false} durable: {@code {"chunkIds": [...], "tokens": [...]}},
     * a write token for each chunk, in the same order. No token, no sync (EAUTH), before anything
     * else is looked at.
     */
    private void sync(Context ctx, Requests.SyncChunks req) throws Exception {
        if (req.tokens() == null || req.tokens().isEmpty()) {
            throw new CairnException(ErrorCode.EAUTH, "a sync needs a chunk token for each chunk it names");
        }
        if (req.chunkIds() == null || req.chunkIds().size() > MAX_SYNC_IDS
                || req.tokens().size() != req.chunkIds().size()) {
            throw new CairnException(ErrorCode.EINVAL, "expected {\"chunkIds\": [...], \"tokens\": [...]} with "
                    + "as many tokens as ids, at most " + MAX_SYNC_IDS);
        }
        for (int i = 0; i < req.chunkIds().size(); i++) {
            String id = PathRules.chunkId(req.chunkIds().get(i));
            access.check(req.tokens().get(i), id, ChunkTokens.Op.WRITE);
        }
        store.sync(req.chunkIds());
        Reply.json(ctx, Replies.Ok.OK);
    }

    private void delete(Context ctx) throws Exception {
        String id = PathRules.chunkId(ctx.pathParam("id"));
        store.metrics().deleted(store.delete(id));
        Reply.json(ctx, Replies.Ok.OK);
    }

    /** An unsigned 32-bit CRC32C in decimal. */
    static long crc32c(String s) throws CairnException {
        if (s == null || s.isEmpty()) {
            throw new CairnException(ErrorCode.EINVAL, "missing ?crc32c=N (the CRC32C of the body, in decimal)");
        }
        try {
            long v = s.length() > 10 ? -1 : Long.parseLong(s);
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new CairnException(ErrorCode.EINVAL, "crc32c must be a decimal number from 0 to 4294967295");
        }
    }
}
