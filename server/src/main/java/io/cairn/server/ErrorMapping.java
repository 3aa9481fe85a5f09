package io.cairn.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamWriteException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.json.Json;
import io.cairn.common.wire.ErrorBody;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.EndpointNotFound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become error replies, {@code {"code", "message"}} with the code's
 * HTTP status: a {@link CairnException} keeps its code; an {@link IllegalArgumentException} (a rule
 * a record or a service refused) and malformed JSON are EINVAL; a Javalin status (no such route,
 * ...) gets the matching code; anything else is logged and becomes EIO.
 */
final class ErrorMapping {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);
    private static final int MAX_MESSAGE = 1000;

    private ErrorMapping() {
    }

    static void install(RoutesConfig routes) {
        routes.exception(CairnException.class, (e, ctx) -> {
            if (e.code() == ErrorCode.EIO) {
                LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage(), e);
            }
            error(ctx, e.code().httpStatus(), e.code(), e.getMessage());
        });
        routes.exception(IllegalArgumentException.class, (e, ctx) ->
                error(ctx, ErrorCode.EINVAL.httpStatus(), ErrorCode.EINVAL, e.getMessage()));
        routes.exception(JsonProcessingException.class, (e, ctx) -> {
            if (e instanceof StreamWriteException || e instanceof InvalidDefinitionException) {
                unexpected(e, ctx); // writing a reply failed, or a type cannot be mapped: ours
            } else {
                error(ctx, ErrorCode.EINVAL.httpStatus(), ErrorCode.EINVAL, "malformed JSON: " + e.getOriginalMessage());
            }
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            if (e instanceof EndpointNotFound) {
                error(ctx, 404, ErrorCode.ENOSYS, "no such route: " + ctx.method() + " " + ctx.path());
            } else {
                error(ctx, e.getStatus(), codeFor(e.getStatus()), e.getMessage());
            }
        });
        routes.exception(Exception.class, ErrorMapping::unexpected);
    }

    private static void unexpected(Exception e, Context ctx) {
        LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        error(ctx, 500, ErrorCode.EIO, "internal error: " + e);
    }

    static void error(Context ctx, int status, ErrorCode code, String message) {
        ctx.status(status).contentType(Reply.JSON).result(errorBytes(code, message));
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

    /** The error code that stands for an HTTP status raised below the routes (Javalin, Jetty). */
    static ErrorCode codeFor(int status) {
        return switch (status) {
            case 404, 405 -> ErrorCode.ENOSYS;
            case 413 -> ErrorCode.EFBIG;
            default -> status >= 400 && status < 500 ? ErrorCode.EINVAL : ErrorCode.EIO;
        };
    }
}
