package io.cairn.master.http;

import io.cairn.master.events.Events;
import io.cairn.server.Reply;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;

/** The cluster's events, oldest first after an id: for {@code cairn events} and monitoring (installed with the cluster view). */
final class EventRoutes implements RouteGroup {
    private final Events events;

    EventRoutes(Events events) {
        this.events = events;
    }

    @Override
    public void install(Routes r) {
        // GET /api/v1/events?after=ID&limit=N: after defaults to 0 (the oldest kept), limit to 100 (at most 1000)
        r.get("/api/v1/events", ctx -> Reply.json(ctx, events.after(Query.number(ctx, "after", 0L),
                Query.limit(ctx, Events.DEFAULT_PAGE))));
    }
}
