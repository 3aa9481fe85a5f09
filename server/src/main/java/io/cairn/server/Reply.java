package io.cairn.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.common.json.Json;
import io.javalin.http.Context;

/** JSON replies, written with the shared mapper (Javalin's own JSON mapper is not used). */
public final class Reply {
    static final String JSON = "application/json";

    private Reply() {
    }

    /** 200 with {@code body} as JSON. */
    public static void json(Context ctx, Object body) throws JsonProcessingException {
        json(ctx, 200, body);
    }

    public static void json(Context ctx, int status, Object body) throws JsonProcessingException {
        ctx.status(status).contentType(JSON).result(Json.mapper().writeValueAsBytes(body));
    }
}
