package io.cairn.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.common.json.Json;
import io.javalin.http.Context;

/**
 * JSON replies, written with the shared mapper (Javalin's own JSON mapper is not used). A guard
 * may ask for the request's successful JSON replies to be signed ({@link #signWith}).
 */
public final class Reply {
    static final String JSON = "application/json";
    private static final String SIGNER = "cairn.reply.signer";

    /** Signs a reply: gives the header to add for its status and body. */
    @FunctionalInterface
    public interface Signer {
        void sign(Context ctx, int status, byte[] body);
    }

    /** Has every successful JSON reply to this request signed by {@code signer}. */
    public static void signWith(Context ctx, Signer signer) {
        ctx.attribute(SIGNER, signer);
    }

    private Reply() {
    }

    /** 200 with {@code body} as JSON. */
    public static void json(Context ctx, Object body) throws JsonProcessingException {
        json(ctx, 200, body);
    }

    public static void json(Context ctx, int status, Object body) throws JsonProcessingException {
        byte[] bytes = Json.mapper().writeValueAsBytes(body);
        Signer signer = ctx.attribute(SIGNER);
        if (signer != null && status / 100 == 2) {
            signer.sign(ctx, status, bytes);
        }
        ctx.status(status).contentType(JSON).result(bytes);
    }
}
