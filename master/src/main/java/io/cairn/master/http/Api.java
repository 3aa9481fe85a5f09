package io.cairn.master.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.json.Json;
import io.cairn.common.wire.ErrorBody;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;

/** Request and reply plumbing shared by the master's routes: bounded JSON in, JSON out, errors as data. */
final class Api {
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    /** The largest JSON request body accepted. */
    static final int MAX_BODY = 8 << 20;

    private Api() {
    }

    static <T> T body(Context ctx, Class<T> type) throws IOException {
        long declared = ctx.contentLength();
        if (declared > MAX_BODY) {
            throw new CairnException(ErrorCode.EFBIG, "request body over " + MAX_BODY + " bytes");
        }
        byte[] bytes;
        try (InputStream in = ctx.bodyInputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new CairnException(ErrorCode.EFBIG, "request body over " + MAX_BODY + " bytes");
        }
        if (bytes.length == 0) {
            throw new CairnException(ErrorCode.EINVAL, "empty request body");
        }
        try {
            T value = Json.mapper().readValue(bytes, type);
            if (value == null) {
                throw new CairnException(ErrorCode.EINVAL, "request body is null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new CairnException(ErrorCode.EINVAL, "malformed JSON: " + e.getOriginalMessage());
        }
    }

    /** Marks a reply as written by Cairn, so the 404 fallback does not replace an ENOENT body. */
    static final String WRITTEN = "cairn.written";

    static void json(Context ctx, Object value) throws IOException {
        ctx.attribute(WRITTEN, Boolean.TRUE);
        ctx.status(200).contentType("application/json").result(Json.mapper().writeValueAsBytes(value));
    }

    static void error(Context ctx, ErrorCode code, String message) {
        ctx.attribute(WRITTEN, Boolean.TRUE);
        try {
            ctx.status(code.httpStatus()).contentType("application/json")
                    .result(Json.mapper().writeValueAsBytes(new ErrorBody(code.name(), message)));
        } catch (JsonProcessingException e) {
            ctx.status(500).result("{\"code\":\"EIO\",\"message\":\"error\"}");
        }
    }

    static String param(Context ctx, String name) throws CairnException {
        String v = ctx.queryParam(name);
        if (v == null) {
            throw new CairnException(ErrorCode.EINVAL, "missing query parameter '" + name + "'");
        }
        return v;
    }

    static long longParam(Context ctx, String name, Long dflt) throws CairnException {
        String v = ctx.queryParam(name);
        if (v == null) {
            if (dflt == null) {
                throw new CairnException(ErrorCode.EINVAL, "missing query parameter '" + name + "'");
            }
            return dflt;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new CairnException(ErrorCode.EINVAL, "query parameter '" + name + "' is not a number");
        }
    }

    static void onException(Exception e, Context ctx) {
        if (e instanceof CairnException ce) {
            error(ctx, ce.code(), ce.getMessage());
        } else if (e instanceof IllegalArgumentException) {
            error(ctx, ErrorCode.EINVAL, e.getMessage());
        } else {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, ErrorCode.EIO, "internal error: " + e);
        }
    }
}
