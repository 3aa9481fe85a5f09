package io.cairn.master.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.javalin.http.Context;

/** Query parameters, checked: a missing or malformed one is EINVAL. */
final class Query {
    private Query() {
    }

    static String param(Context ctx, String name) throws CairnException {
        String v = ctx.queryParam(name);
        if (v == null) {
            throw new CairnException(ErrorCode.EINVAL, "missing query parameter '" + name + "'");
        }
        return v;
    }

    /** A number; {@code dflt} when absent (null: it is required). */
    static long number(Context ctx, String name, Long dflt) throws CairnException {
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

    /** A page size, at most {@link Integer#MAX_VALUE} (the service applies its own limit). */
    static int limit(Context ctx, long dflt) throws CairnException {
        return (int) Math.min(Integer.MAX_VALUE, number(ctx, "limit", dflt));
    }
}
