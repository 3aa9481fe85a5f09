package io.cairn.datanode.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become error replies: a {@link CairnException} keeps its code, a
 * Javalin status (no such route, ...) gets the matching code, and anything else is logged and
 * becomes EIO.
 */
final class ErrorMapping {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    static void install(RoutesConfig routes) {
        routes.exception(CairnException.class, (e, ctx) -> {
            if (e.code() == ErrorCode.EIO) {
                LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage(), e);
            }
            JsonReply.error(ctx, e.code(), e.getMessage());
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            ErrorCode code = JsonReply.codeFor(e.getStatus());
            String message = code == ErrorCode.ENOSYS
                    ? "no such route: " + ctx.method() + " " + ctx.path()
                    : e.getMessage();
            JsonReply.error(ctx, e.getStatus(), code, message);
        });
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            JsonReply.error(ctx, ErrorCode.EIO, "internal error: " + e);
        });
    }
}
