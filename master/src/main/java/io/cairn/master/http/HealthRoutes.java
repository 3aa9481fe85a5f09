package io.cairn.master.http;

import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/** The one route open to anyone: whether the process serves, saying nothing about the data. */
public final class HealthRoutes implements RouteGroup {
    public static final String PATH = "/healthz";

    @Override
    public void install(Routes r) {
        r.get(PATH, ctx -> ctx.contentType("text/plain").result("ok\n"));
    }
}
