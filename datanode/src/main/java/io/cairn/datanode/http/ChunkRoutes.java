package io.cairn.datanode.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Replies;
import io.cairn.datanode.store.ChunkStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** PUT, GET, HEAD and DELETE of /api/v1/chunks/{id}: the bytes of the file system. */
final class ChunkRoutes {
    static final String PATH = "/api/v1/chunks/{id}";
    private static final String OCTETS = "application/octet-stream";

    private final ChunkStore store;

    ChunkRoutes(ChunkStore store) {
        this.store = store;
    }

    void install(RoutesConfig routes) {
        routes.put(PATH, this::put);
        routes.get(PATH, this::get);
        routes.head(PATH, this::head);
        routes.delete(PATH, this::delete);
        routes.post("/api/v1/sync", this::sync);
    }

    /** Streams the body into the store, which checks it against {@code ?crc32c=N} before keeping it. */
    private void put(Context ctx) throws Exception {
        String id = PathRules.chunkId(ctx.pathParam("id"));
        long crc = crc32c(ctx.queryParam("crc32c"));
        long length = ctx.req().getContentLengthLong();
        if (length > ChunkStore.MAX_CHUNK) {
            throw new CairnException(ErrorCode.EFBIG, "chunk of " + length + " bytes is larger than the "
                    + ChunkStore.MAX_CHUNK + " allowed");
        }
        boolean durable = !"false".equals(ctx.queryParam("sync")); // sync=false: fsync later, on POST /sync
        Replies.Stored stored = store.put(id, new ClientBody(ctx.bodyInputStream()), length, crc, durable);
        JsonReply.send(ctx, 201, stored);
    }

    private void get(Context ctx) throws Exception {
        String id = PathRules.chunkId(ctx.pathParam("id"));
        ChunkStore.Chunk chunk = store.open(id); // Javalin closes the stream once it is sent
        ctx.status(200).contentType(OCTETS);
        ctx.res().setContentLengthLong(chunk.size());
        ctx.result(chunk.in());
    }

    /** Whether a chunk is here, and its size, without its bytes. */
    private void head(Context ctx) throws Exception {
        String id = PathRules.chunkId(ctx.pathParam("id"));
        try (ChunkStore.Chunk chunk = store.open(id)) {
            ctx.status(200).contentType(OCTETS);
            ctx.res().setContentLengthLong(chunk.size());
        }
    }

    /** Makes chunks stored with {@code sync=false} durable: {@code {"chunkIds": [...]}}. */
    private void sync(Context ctx) throws Exception {
        byte[] body = ctx.bodyInputStream().readNBytes(4 << 20);
        io.cairn.common.wire.Requests.SyncChunks req;
        try {
            req = io.cairn.common.json.Json.mapper().readValue(body, io.cairn.common.wire.Requests.SyncChunks.class);
        } catch (java.io.IOException e) {
            throw new CairnException(ErrorCode.EINVAL, "malformed JSON: " + e.getMessage());
        }
        if (req == null || req.chunkIds() == null || req.chunkIds().size() > 100_000) {
            throw new CairnException(ErrorCode.EINVAL, "expected {\"chunkIds\": [...]} with at most 100000 ids");
        }
        for (String id : req.chunkIds()) {
            PathRules.chunkId(id);
        }
        store.sync(req.chunkIds());
        JsonReply.send(ctx, 200, Replies.Ok.OK);
    }

    private void delete(Context ctx) throws Exception {
        String id = PathRules.chunkId(ctx.pathParam("id"));
        store.delete(id);
        JsonReply.send(ctx, 200, Replies.Ok.OK);
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
