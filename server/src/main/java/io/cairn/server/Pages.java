package io.cairn.server;

import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;

/**
 * What the HTML status pages of the master and the datanodes share: escaping, the page's frame
 * (which reloads itself), and the login form whose token is kept in an HttpOnly, SameSite=Strict
 * cookie, sent back only to the server that set it and never readable by a script.
 */
public final class Pages {
    /** The cookie that holds the token a page was opened with. */
    public static final String COOKIE = "cairn_token";
    /** How often a page reloads itself, in seconds. */
    public static final int REFRESH_SECONDS = 2;
    private static final String TYPE = "text/html; charset=utf-8";
    private static final String CSS = "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
            + "h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}"
            + "table{border-collapse:collapse}td,th{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:left}"
            + "th{background:#f4f4f4}.num{text-align:right;font-variant-numeric:tabular-nums}"
            + ".bar{width:28em;height:1.1em;background:#e6e6e6;border-radius:3px;overflow:hidden;display:inline-block;"
            + "vertical-align:middle}.bar span{display:block;height:100%;background:#4a7bd0}"
            + ".live{color:#17752b}.dead{color:#b3261e;font-weight:600}.warn{color:#b3261e;font-weight:600}"
            + ".ok{color:#17752b}.muted{color:#777}code{font-size:.95em}.nowrap,td.num,td code{white-space:nowrap}";

    private Pages() {
    }

    /** {@code s} safe inside HTML text and attribute values ("" for null). */
    public static String escape(Object s) {
        if (s == null) {
            return "";
        }
        String t = s.toString();
        StringBuilder b = new StringBuilder(t.length() + 16);
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** The token the request carries: its Authorization header's bearer token, else the page's cookie; or null. */
    public static String token(Context ctx) {
        String h = ctx.header("Authorization");
        if (h != null && h.startsWith("Bearer ")) {
            return h.substring(7).trim();
        }
        return ctx.cookie(COOKIE);
    }

    /** Answers {@code status} with a whole page of {@code title} around {@code body}; {@code refresh}: it reloads itself. */
    public static void send(Context ctx, int status, String title, String body, boolean refresh) {
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + (refresh ? "<meta http-equiv=\"refresh\" content=\"" + REFRESH_SECONDS + "\">" : "")
                + "<meta name=\"viewport\" content=\"width=device-width\"><title>" + escape(title) + "</title>"
                + "<style>" + CSS + "</style></head><body>\n" + body + "\n</body></html>\n";
        ctx.status(status).contentType(TYPE)
                .header("Cache-Control", "no-store")
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self';"
                        + " form-action 'self'; frame-ancestors 'none'")
                .result(html.getBytes(StandardCharsets.UTF_8));
    }

    /** The login form (401), with {@code message} above it when not null. */
    public static void login(Context ctx, String title, String message) {
        String body = "<h1>" + escape(title) + "</h1>"
                + (message == null ? "" : "<p class=\"warn\" id=\"login-error\">" + escape(message) + "</p>")
                + "<p>This page needs a metrics token of the cluster"
                + " (<code>cairn admin token create NAME --metrics</code>).</p>"
                + "<form method=\"post\" action=\"/login\"><input type=\"password\" name=\"token\" size=\"60\""
                + " autocomplete=\"off\" placeholder=\"cairn_...\" autofocus> <button type=\"submit\">Open</button></form>";
        send(ctx, 401, title, body, false);
    }

    /**
     * Keeps {@code token} in the page's cookie (HttpOnly, SameSite=Strict, Secure over TLS, for the
     * browser's session) and sends the browser back to the page.
     */
    public static void keep(Context ctx, String token) {
        String cookie = COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict"
                + ("https".equals(ctx.scheme()) ? "; Secure" : "");
        ctx.header("Set-Cookie", cookie);
        ctx.header("Cache-Control", "no-store");
        ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    /** Forgets the page's cookie and sends the browser back to the page (and so to the login form). */
    public static void forget(Context ctx) {
        ctx.header("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
    }
}
