package io.cairn.master.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.RequestId;
import io.javalin.http.Context;

/** The request id a change carries ({@link RequestId#HEADER}), checked: a malformed one is EINVAL. */
final class RequestIds {
    private RequestIds() {
    }

    /** The request's id, or null when it carries none (curl). */
    static String of(Context ctx) throws CairnException {
        String id = ctx.header(RequestId.HEADER);
        if (id == null) {
            return null;
        }
        if (!RequestId.isValid(id)) {
            throw new CairnException(ErrorCode.EINVAL, RequestId.HEADER + " must be 32 lowercase hex digits");
        }
        return id;
    }
}
