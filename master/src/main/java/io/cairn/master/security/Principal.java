package io.cairn.master.security;

import io.javalin.http.Context;

/**
 * Who a request comes from, once its credentials are checked: the name of the token (or
 * {@code node:<id>} for a datanode) and its scope. Handlers find it on the request.
 */
public record Principal(String name, Scope scope, String nodeId) {
    static final String ATTRIBUTE = "cairn.principal";

    public static Principal token(String name, Scope scope) {
        return new Principal(name, scope, null);
    }

    public static Principal node(String nodeId) {
        return new Principal("node:" + nodeId, Scope.NODE, nodeId);
    }

    /** The principal the guard put on {@code ctx}, or null when its route is open. */
    public static Principal of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    /** Who did it, as admin actions are logged: the token's name. */
    public static String who(Context ctx) {
        Principal p = of(ctx);
        return p == null ? "(nobody)" : p.name();
    }
}
