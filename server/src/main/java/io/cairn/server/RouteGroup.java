package io.cairn.server;

/** Routes that serve one concern (the namespace, chunk lists, ...), installed together behind one guard. */
@FunctionalInterface
public interface RouteGroup {
    void install(Routes routes);
}
