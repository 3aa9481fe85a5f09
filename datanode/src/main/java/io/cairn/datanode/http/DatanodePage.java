package io.cairn.datanode.http;

import io.cairn.common.units.Units;
import io.cairn.common.wire.Replies;
import io.cairn.datanode.scrub.Scrubber;
import io.cairn.datanode.store.ChunkStore;
import io.cairn.server.Pages;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * A datanode's own status page at {@code GET /}: who it is, its disk, and its scrubber's progress
 * and findings; plain HTML that reloads itself. Open as a route, as a browser without a token gets
 * the login form; it shows the node only with a metrics token of the cluster ({@link MonitorAccess}),
 * kept by the login form in an HttpOnly, SameSite=Strict cookie.
 */
public final class DatanodePage implements RouteGroup {
    private static final String TITLE = "Cairn datanode";

    private final Supplier<Replies.DatanodeStatus> status;
    private final ChunkStore store;
    private final Scrubber scrubber;
    private final MonitorAccess access;
    private final Supplier<String> master;

    public DatanodePage(Supplier<Replies.DatanodeStatus> status, ChunkStore store, Scrubber scrubber,
                        MonitorAccess access, Supplier<String> master) {
        this.status = status;
        this.store = store;
        this.scrubber = scrubber;
        this.access = access;
        this.master = master;
    }

    @Override
    public void install(Routes r) {
        r.get("/", this::page);
        r.postForm("/login", (ctx, form) -> {
            String token = form.getOrDefault("token", "").trim();
            if (!access.knows(token)) {
                Pages.login(ctx, TITLE, access.refusal());
                return;
            }
            Pages.keep(ctx, token);
        });
        r.postForm("/logout", (ctx, form) -> Pages.forget(ctx));
    }

    private void page(Context ctx) {
        String token = Pages.token(ctx);
        if (token == null || !access.knows(token)) {
            Pages.login(ctx, TITLE, token == null ? null : access.refusal());
            return;
        }
        Replies.DatanodeStatus s = status.get();
        double used = s.capacity() == 0 ? 0 : Math.min(1, (double) s.used() / s.capacity());
        long stored = store.chunks();
        long checked = scrubber.passChecked();
        StringBuilder b = new StringBuilder(4096);
        b.append("<h1>Cairn datanode <code id=\"node-id\">").append(Pages.escape(s.nodeId())).append("</code></h1>")
                .append("<p class=\"muted\">cluster <code>").append(Pages.escape(s.clusterId())).append("</code> &middot; ")
                .append(Pages.escape(s.address())).append(" &middot; master ").append(Pages.escape(master.get()))
                .append(" &middot; ").append(Instant.now()).append("</p>");
        b.append("<h2>Disk</h2><p><span class=\"bar\"><span style=\"width:").append(String.format("%.2f", used * 100))
                .append("%\"></span></span> ").append(Units.formatSize(s.used())).append(" used of ")
                .append(Units.formatSize(s.capacity())).append(String.format(" (%.1f%%)", used * 100))
                .append(" &middot; <span id=\"chunks\">").append(stored).append("</span> chunks &middot; ")
                .append(Units.formatSize(store.available())).append(" available, ")
                .append(Units.formatSize(store.reserve())).append(" kept free on the disk</p>");
        b.append("<h2>Scrubber</h2><table><tr><th>whole passes since start</th><td id=\"scrub-passes\" class=\"num\">")
                .append(scrubber.passes()).append("</td></tr><tr><th>this pass</th><td class=\"num\">")
                .append(checked).append(" of ").append(stored).append(" chunks</td></tr>")
                .append("<tr><th>checked since start</th><td class=\"num\">").append(scrubber.chunksChecked())
                .append(" chunks, ").append(Units.formatSize(scrubber.bytesChecked())).append("</td></tr>")
                .append("<tr><th>found bad since start</th><td id=\"scrub-bad\" class=\"num ")
                .append(scrubber.badFound() > 0 ? "warn" : "ok").append("\">").append(scrubber.badFound())
                .append("</td></tr><tr><th>reported to the master</th><td class=\"num\">").append(scrubber.reported())
                .append("</td></tr></table>");
        b.append("<form method=\"post\" action=\"/logout\"><p><button type=\"submit\">Forget my token</button>")
                .append(" <span class=\"muted\">metrics: <code>/metrics</code></span></p></form>");
        Pages.send(ctx, 200, TITLE, b.toString(), true);
    }
}
