package io.cairn.server;

import java.util.Objects;

/**
 * A route group as a server is given it: a name (shown in the route table), the guard every one of
 * its routes runs first, and the routes.
 */
public record Group(String name, Guard guard, RouteGroup routes) {
    public Group {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(routes, "routes");
    }
}
