package io.cairn.server;

import io.javalin.http.Context;

/**
 * The check every route of a group runs before its handler: where credentials will be checked.
 * A guard refuses a request by throwing (a {@code CairnException} with EACCES or EPERM); it returns
 * to let it through. Every route is installed with one, and {@link HttpServer#routes()} shows which.
 */
@FunctionalInterface
public interface Guard {
    /** Lets every caller in: the guard of every group until callers prove who they are. */
    Guard OPEN = ctx -> { };

    void check(Context ctx) throws Exception;
}
