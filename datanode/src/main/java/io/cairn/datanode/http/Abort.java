package io.cairn.datanode.http;

import io.cairn.common.error.CairnException;
import io.javalin.http.Context;

/** Ending a streamed reply that cannot be finished (a block turned out bad after others were sent). */
final class Abort {
    private Abort() {
    }

    /**
     * Ends the reply of {@code ctx} short. When nothing has been sent yet it is reset and {@code why}
     * thrown, to be answered as an error; otherwise nothing more is written, and as the reply declared
     * a Content-Length it does not reach, the server fails the exchange and closes the connection
     * instead of completing it: the reader sees a body cut short.
     */
    static void reply(Context ctx, CairnException why) throws CairnException {
        if (!ctx.res().isCommitted()) {
            ctx.res().reset();
            throw why;
        }
    }
}
