package io.cairn.server;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.WireVersion;
import io.javalin.config.RoutesConfig;

/**
 * Refuses, before any route runs, a request that announces another wire version than this server
 * speaks (EPROTO, with the one line that says what to do); a request that announces none is served.
 */
final class WireCheck {
    /** More of a header value than this is not repeated in the message. */
    private static final int MAX_SHOWN = 16;

    private WireCheck() {
    }

    static void install(RoutesConfig routes, String role, int version) {
        String ours = Integer.toString(version);
        routes.before(ctx -> {
            String theirs = ctx.header(WireVersion.HEADER);
            if (theirs != null && !theirs.trim().equals(ours)) {
                String shown = theirs.trim();
                if (shown.length() > MAX_SHOWN) {
                    shown = shown.substring(0, MAX_SHOWN) + "...";
                }
                throw new CairnException(ErrorCode.EPROTO, WireVersion.mismatch(role, version, shown));
            }
        });
    }
}
