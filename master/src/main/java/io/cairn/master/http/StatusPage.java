package io.cairn.master.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.security.Tokens;
import io.cairn.common.units.Units;
import io.cairn.common.wire.ClusterStatus;
import io.cairn.common.wire.NodeInfo;
import io.cairn.master.cluster.ClusterAdmin;
import io.cairn.master.repair.Repair;
import io.cairn.master.repair.SafeMode;
import io.cairn.master.security.Authenticator;
import io.cairn.master.security.Principal;
import io.cairn.master.security.Scope;
import io.cairn.server.Pages;
import io.cairn.server.RouteGroup;
import io.cairn.server.Routes;
import io.javalin.http.Context;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The cluster's status page at {@code GET /}: plain HTML, no script, reloading itself every
 * {@link Pages#REFRESH_SECONDS} s. It shows the cluster, its capacity and use, the datanodes, the
 * chunks that lack copies with the files they belong to, repair, the masters and the recent events.
 * Its routes are open, as a browser without a token must get the login form: the page itself shows
 * the cluster only to a metrics token, taken from the Authorization header or from the cookie the
 * login form sets. Only a metrics token, as a browser sends a host's cookies to each of its ports:
 * a datanode on the same host gets the cookie too, and datanodes are shown no other kind of token.
 */
final class StatusPage implements RouteGroup {
    static final int EVENTS_SHOWN = 30;
    private static final String TITLE = "Cairn";

    private final ClusterAdmin admin;
    private final Repair repair;
    private final SafeMode safeMode;
    private final Authenticator auth;
    private final MasterApi.PageEvents events;
    private final java.util.function.Supplier<String> self;
    private final long startedMs;

    StatusPage(ClusterAdmin admin, Repair repair, SafeMode safeMode, Authenticator auth, MasterApi.PageEvents events, java.util.function.Supplier<String> self,
               long startedMs) {
        this.admin = admin;
        this.repair = repair;
        this.safeMode = safeMode;
        this.auth = auth;
        this.events = events;
        this.self = self;
        this.startedMs = startedMs;
    }

    @Override
    public void install(Routes r) {
        r.get("/", this::page);
        r.postForm("/login", (ctx, form) -> {
            String token = form.getOrDefault("token", "").trim();
            String refused = refusal(token);
            if (refused != null) {
                Pages.login(ctx, TITLE + " cluster", refused);
                return;
            }
            Pages.keep(ctx, token);
        });
        r.postForm("/logout", (ctx, form) -> Pages.forget(ctx));
    }

    /** Why {@code token} may not see the page, or null when it may. */
    private String refusal(String token) throws IOException {
        if (!Tokens.wellFormed(token)) {
            return "that is not a Cairn token";
        }
        try {
            Principal p = auth.token(token);
            return p.scope() == Scope.METRICS ? null : "the page takes a metrics token only, not a " + p.scope().wire()
                    + " one: a browser sends this host's cookies to every port, datanodes' too, and they are shown no"
                    + " other kind (make one with cairn admin token create NAME --metrics)";
        } catch (CairnException e) {
            return e.getMessage();
        }
    }

    private void page(Context ctx) throws IOException {
        String token = Pages.token(ctx);
        if (token == null) {
            Pages.login(ctx, TITLE + " cluster", null);
            return;
        }
        String refused = refusal(token);
        if (refused != null) {
            Pages.login(ctx, TITLE + " cluster", refused);
            return;
        }
        Pages.send(ctx, 200, TITLE + " cluster", render(), true);
    }

    private String render() throws IOException {
        ClusterStatus s = admin.status();
        List<NodeInfo> nodes = admin.nodes();
        Repair.Health h = repair.health();
        long now = System.currentTimeMillis();
        StringBuilder b = new StringBuilder(8192);
        b.append("<h1>Cairn cluster <code id=\"cluster-id\">").append(Pages.escape(s.clusterId())).append("</code></h1>")
                .append("<p class=\"muted\">version ").append(Pages.escape(s.version())).append(" &middot; replication ")
                .append(s.replication()).append(" &middot; chunks of ").append(Units.formatSize(s.chunkSize()))
                .append(" &middot; ").append(Instant.ofEpochMilli(now)).append(" &middot; refreshes every ")
                .append(Pages.REFRESH_SECONDS).append(" s</p>");
        boolean safe = safeMode.active();
        b.append("<p id=\"safe-mode\" class=\"").append(safe ? "warn" : "ok").append("\">")
                .append(safe ? Pages.escape(safeMode.status()) : "serving (not in safe mode)").append("</p>");

        b.append("<h2>Capacity</h2>");
        double used = s.capacity() == 0 ? 0 : Math.min(1, (double) s.used() / s.capacity());
        b.append("<p><span class=\"bar\" title=\"").append(String.format("%.1f%%", used * 100)).append("\"><span style=\"width:")
                .append(String.format("%.2f", used * 100)).append("%\"></span></span> ")
                .append(Units.formatSize(s.used())).append(" used of ").append(Units.formatSize(s.capacity()))
                .append(String.format(" (%.1f%%)", used * 100)).append(" on live datanodes &middot; ")
                .append("<span id=\"files\">").append(s.files()).append("</span> files, ")
                .append(s.inodes() - s.files()).append(" directories</p>");

        b.append("<h2>Datanodes: <span id=\"live-count\">").append(s.liveNodes()).append("</span> live, ")
                .append("<span id=\"dead-count\">").append(s.deadNodes()).append("</span> dead</h2>");
        b.append("<table id=\"nodes\"><tr><th>id</th><th>state</th><th>address</th><th class=\"num\">capacity</th>")
                .append("<th class=\"num\">used</th><th class=\"num\">chunks</th><th class=\"num\">last heartbeat</th>")
                .append("<th class=\"num\">scrub passes, this pass, bad</th><th>notes</th></tr>");
        for (NodeInfo n : nodes) {
            String state = Pages.escape(n.state());
            b.append("<tr class=\"node\" data-node=\"").append(Pages.escape(n.id())).append("\" data-state=\"")
                    .append(state).append("\"><td><code>").append(Pages.escape(n.id())).append("</code></td>")
                    .append("<td class=\"").append("live".equals(n.state()) ? "live" : "dead").append("\">").append(state)
                    .append("</td><td>").append(Pages.escape(n.address())).append("</td><td class=\"num\">")
                    .append(Units.formatSize(n.capacity())).append("</td><td class=\"num\">").append(Units.formatSize(n.used()))
                    .append("</td><td class=\"num\">").append(n.replicas()).append("</td><td class=\"num\">")
                    .append(n.lastHeartbeatMs() <= 0 ? "never" : ago(now - n.lastHeartbeatMs())).append("</td><td class=\"num\">")
                    .append(scrub(admin.scrubOf(n.id()))).append("</td><td>")
                    .append(n.decommissioning() ? "draining " : "").append(n.full() ? "full" : "").append("</td></tr>");
        }
        b.append("</table>");

        b.append("<h2>Chunks</h2><p>");
        b.append(count("under-replicated", h.underReplicated())).append(" &middot; ")
                .append(count("missing", h.missing())).append(" &middot; ")
                .append(count("corrupt", repair.badReplicas())).append(" (copies found bad, not yet replaced)");
        b.append("<br><span class=\"muted\">").append(h.complete()
                ? "as of the last whole sweep of the chunk table, " + ago(now - h.atMs()) + " ago"
                : "the first sweep of the chunk table is under way").append("</span></p>");
        if (!h.affected().isEmpty()) {
            List<String> paths = admin.pathsOf(h.affected());
            b.append("<p>Files affected (the first ").append(Repair.AFFECTED_KEPT).append(" chunks'):</p><ul id=\"affected\">");
            for (String p : paths) {
                b.append("<li><code>").append(Pages.escape(p)).append("</code></li>");
            }
            b.append("</ul>");
        }
        b.append("<h2>Repair</h2><p><span id=\"repair-queue\">").append(repair.backlog())
                .append("</span> copies waiting or under way &middot; ").append(repair.copiesOrdered())
                .append(" ordered and ").append(repair.copiesDone()).append(" done since this master started</p>")
                .append("<p class=\"muted\">Scrubbing: each datanode's whole passes since it started, the chunks its pass under way has"
                        + " checked, and the chunks it found bad, as its last heartbeat told; more on its own page (its address, path /).</p>");

        b.append("<h2>Masters</h2><table><tr><th>address</th><th>role</th><th>since</th></tr><tr><td>")
                .append(Pages.escape(self.get())).append("</td><td>serves every call and runs the cluster jobs</td><td>")
                .append(Instant.ofEpochMilli(startedMs)).append("</td></tr></table>");

        b.append("<h2>Recent events</h2>");
        List<io.cairn.common.wire.Replies.Event> recent = events.recent(EVENTS_SHOWN);
        if (recent.isEmpty()) {
            b.append("<p class=\"muted\">none yet</p>");
        } else {
            b.append("<table id=\"events\"><tr><th>time (UTC)</th><th>event</th><th>datanode</th><th>chunk</th><th>what</th></tr>");
            for (io.cairn.common.wire.Replies.Event e : recent) {
                b.append("<tr class=\"event\" data-kind=\"").append(Pages.escape(e.kind())).append("\"><td class=\"nowrap\">")
                        .append(Instant.ofEpochMilli(e.timeMs())).append("</td><td class=\"nowrap\">").append(Pages.escape(e.kind()))
                        .append("</td><td><code>").append(Pages.escape(e.node())).append("</code></td><td><code>")
                        .append(Pages.escape(e.chunk())).append("</code></td><td>").append(Pages.escape(e.message()))
                        .append("</td></tr>");
            }
            b.append("</table>");
        }
        b.append("<form method=\"post\" action=\"/logout\"><p><button type=\"submit\">Forget my token</button>")
                .append(" <span class=\"muted\">metrics: <code>/metrics</code> (Prometheus, with a bearer token)</span></p></form>");
        return b.toString();
    }

    private static String scrub(io.cairn.common.wire.Requests.Scrub s) {
        if (s == null) {
            return "<span class=\"muted\">not told</span>";
        }
        return s.passes() + " &middot; " + s.passChecked() + " chunks &middot; <span class=\"" + (s.badFound() > 0 ? "warn" : "ok") + "\">"
                + s.badFound() + "</span>";
    }

    private static String count(String what, long n) {
        return "<span id=\"" + what + "\" class=\"" + (n > 0 ? "warn" : "ok") + "\">" + n + " " + what + "</span>";
    }

    private static String ago(long ms) {
        if (ms < 0) {
            ms = 0;
        }
        if (ms < 10_000) {
            return String.format("%.1f s", ms / 1000.0);
        }
        if (ms < 3_600_000) {
            return (ms / 60_000) + " min " + (ms / 1000 % 60) + " s";
        }
        return (ms / 3_600_000) + " h " + (ms / 60_000 % 60) + " min";
    }
}
