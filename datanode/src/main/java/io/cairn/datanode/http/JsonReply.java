package io.cairn.datanode.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.json.Json;
import io.cairn.common.wire.ErrorBody;
import io.javalin.http.Context;

/** Writes JSON replies with the shared mapper (Javalin's own JSON mapper is not used). */
final class JsonReply {
    static final String JSON = "application/json";
    private static final int MAX_MESSAGE = 1000;

    private JsonReply() {
    }

    static void send(Context ctx, int status, Object body) throws JsonProcessingException {
        ctx.status(status).contentType(JSON).result(Json.mapper().writeValueAsBytes(body));
    }

    /** The one error reply: {@code {"code": ..., "message": ...}} with the code's HTTP status. */
    static void error(Context ctx, ErrorCode code, String message) {
        error(ctx, code.httpStatus(), code, message);
    }

    static void error(Context ctx, int status, ErrorCode code, String message) {
        ctx.status(status).contentType(JSON).result(errorBytes(code, message));
    }

    static byte[] errorBytes(ErrorCode code, String message) {
        String m = message == null ? code.name() : message;
        if (m.length() > MAX_MESSAGE) {
            m = m.substring(0, MAX_MESSAGE) + "...";
        }
        try {
            return Json.mapper().writeValueAsBytes(new ErrorBody(code.name(), m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an error body", e);
        }
    }

    /** The error code that stands for an HTTP status raised below our routes (Javalin, Jetty). */
    static ErrorCode codeFor(int status) {
        return switch (status) {
            case 404, 405 -> ErrorCode.ENOSYS;
            case 413 -> ErrorCode.EFBIG;
            default -> status >= 400 && status < 500 ? ErrorCode.EINVAL : ErrorCode.EIO;
        };
    }
}
