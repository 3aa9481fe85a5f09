package io.cairn.master.security;

import io.javalin.http.Context;

/**
 * Who a request comes from, once its credentials are checked: the name of the token (or
 * {@code node:<id>} for a datanode), its scope, and the directory a client token is confined to.
 * Handlers find it on the request.
 */
public record Principal(String name, Scope scope, String nodeId, Subtree subtree) {
    static final String ATTRIBUTE = "cairn.principal";

    public static Principal token(String name, Scope scope) {
        return token(name, scope, Subtree.WHOLE);
    }

    public static Principal token(String name, Scope scope, Subtree subtree) {
        return new Principal(name, scope, null, subtree);
    }

    public static Principal node(String nodeId) {
        return new Principal("node:" + nodeId, Scope.NODE, nodeId, Subtree.WHOLE);
    }

    /** The principal the guard put on {@code ctx}, or null when its route is open. */
    public static Principal of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    /** The directory the caller of {@code ctx} is confined to: the whole namespace when its route is open. */
    public static Subtree subtree(Context ctx) {
        Principal p = of(ctx);
        return p == null ? Subtree.WHOLE : p.subtree();
    }

    /** Who did it, as admin actions are logged: the token's name. */
    public static String who(Context ctx) {
        Principal p = of(ctx);
        return p == null ? "(nobody)" : p.name();
    }
}
