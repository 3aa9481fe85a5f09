package io.cairn.master.security;

import io.javalin.http.Context;

/**
 * Who a request comes from, once its credentials are checked: the name of the token (or
 * {@code node:<id>} for a datanode), its scope, the directory a client token is confined to and
 * the owners it may give files. Handlers find it on the request.
 */
public record Principal(String name, Scope scope, String nodeId, Subtree subtree, Owners owners) {
    static final String ATTRIBUTE = "cairn.principal";

    public static Principal token(String name, Scope scope) {
        return token(name, scope, Subtree.WHOLE, Owners.ANY);
    }

    public static Principal token(String name, Scope scope, Subtree subtree, Owners owners) {
        return new Principal(name, scope, null, subtree, owners);
    }

    public static Principal node(String nodeId) {
        return new Principal("node:" + nodeId, Scope.NODE, nodeId, Subtree.WHOLE, Owners.ANY);
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

    /** The owners the caller of {@code ctx} may give files: any when its route is open. */
    public static Owners owners(Context ctx) {
        Principal p = of(ctx);
        return p == null ? Owners.ANY : p.owners();
    }

    /** Who did it, as admin actions are logged: the token's name. */
    public static String who(Context ctx) {
        Principal p = of(ctx);
        return p == null ? "(nobody)" : p.name();
    }
}
