package io.cairn.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.json.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * What a route group installs its routes with. Every route refuses a declared body over its limit,
 * then runs its group's guard, and reads
 * at most its body limit: a JSON body is read whole (at most {@link #MAX_JSON_BODY}) and parsed into
 * a fixed record type, a streamed body is handed over bounded; a route without a body refuses one.
 * A body over the limit is EFBIG (413), whether its Content-Length says so or its bytes do.
 */
public final class Routes {
    /** The largest JSON request body accepted. */
    public static final int MAX_JSON_BODY = 8 << 20;
    private static final String BODY = "cairn.body";

    private final RoutesConfig javalin;
    private final Group group;
    private final List<Route> table;

    private final java.util.Map<Route, Handler> installed;

    Routes(RoutesConfig javalin, Group group, List<Route> table, java.util.Map<Route, Handler> installed) {
        this.javalin = javalin;
        this.group = group;
        this.table = table;
        this.installed = installed;
    }

    /** A handler of a route with a JSON body, given the parsed body (never null). */
    @FunctionalInterface
    public interface JsonHandler<T> {
        void handle(Context ctx, T body) throws Exception;
    }

    /** A handler of a route with a streamed body, given the bounded body. */
    @FunctionalInterface
    public interface StreamHandler {
        void handle(Context ctx, InputStream body) throws Exception;
    }

    public void get(String path, Handler handler) {
        add(HandlerType.GET, path, 0, handler);
    }

    public void head(String path, Handler handler) {
        add(HandlerType.HEAD, path, 0, handler);
    }

    public void delete(String path, Handler handler) {
        add(HandlerType.DELETE, path, 0, handler);
    }

    /** POST with a JSON body of {@code type}. */
    public <T> void post(String path, Class<T> type, JsonHandler<T> handler) {
        add(HandlerType.POST, path, MAX_JSON_BODY, ctx -> handler.handle(ctx, json(ctx, type)));
    }

    /** A handler of a route with an HTML form's body, given its fields. */
    @FunctionalInterface
    public interface FormHandler {
        void handle(Context ctx, java.util.Map<String, String> fields) throws Exception;
    }

    /** The largest form body accepted (a login form: one token). */
    public static final int MAX_FORM_BODY = 4096;

    /**
     * POST with a body of {@code application/x-www-form-urlencoded} fields (at most
     * {@link #MAX_FORM_BODY} bytes; a field named twice keeps its first value).
     */
    public void postForm(String path, FormHandler handler) {
        add(HandlerType.POST, path, MAX_FORM_BODY, ctx -> handler.handle(ctx, form(ctx)));
    }

    private static java.util.Map<String, String> form(Context ctx) throws IOException {
        byte[] bytes;
        try (InputStream in = new ClientBody(ctx.bodyInputStream(), MAX_FORM_BODY)) {
            bytes = in.readAllBytes();
        }
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        for (String pair : text.isEmpty() ? new String[0] : text.split("&", 64)) {
            int eq = pair.indexOf('=');
            try {
                String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
                        java.nio.charset.StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1),
                        java.nio.charset.StandardCharsets.UTF_8);
                fields.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw new CairnException(ErrorCode.EINVAL, "malformed form field: " + e.getMessage());
            }
        }
        return fields;
    }

    /** PUT with a body of at most {@code limit} bytes, streamed to the handler. */
    public void put(String path, long limit, StreamHandler handler) {
        if (limit <= 0) {
            throw new IllegalArgumentException("a streamed body needs a positive limit");
        }
        add(HandlerType.PUT, path, limit, ctx -> handler.handle(ctx, new ClientBody(ctx.bodyInputStream(), limit)));
    }

    private void add(HandlerType method, String path, long limit, Handler handler) {
        Route route = new Route(group.name(), method.name(), path, limit, group.guard());
        table.add(route);
        Guard guard = group.guard();
        Handler guarded = ctx -> {
            ServerMetrics.matched(ctx, route);
            long declared = ctx.req().getContentLengthLong(); // refused unread, before credentials are looked at
            if (declared > limit) {
                throw limit == 0
                        ? new CairnException(ErrorCode.EFBIG, route.method() + " " + route.path() + " takes no request body")
                        : ClientBody.tooLarge(limit);
            }
            guard.check(ctx);
            handler.handle(ctx);
        };
        installed.put(route, guarded);
        javalin.addHttpHandler(method, path, guarded);
    }

    /**
     * The request body of a route that takes a JSON body (or none), read once, bounded by
     * {@link #MAX_JSON_BODY}, and kept on the request: a guard that must see the body (to check a
     * signature over it) and the handler both get it.
     */
    public static byte[] bodyBytes(Context ctx) throws IOException {
        byte[] kept = ctx.attribute(BODY);
        if (kept != null) {
            return kept;
        }
        byte[] bytes;
        try (InputStream in = new ClientBody(ctx.bodyInputStream(), MAX_JSON_BODY)) {
            bytes = in.readAllBytes();
        }
        ctx.attribute(BODY, bytes);
        return bytes;
    }

    /**
     * A HEAD route for every GET route that has none of its own, running the same guard and handler
     * (the server sends no body): otherwise a HEAD would be answered 200 without either.
     */
    static void headsForGets(RoutesConfig javalin, List<Route> table, java.util.Map<Route, Handler> installed) {
        for (Route r : List.copyOf(table)) {
            boolean hasHead = table.stream().anyMatch(o -> o.method().equals("HEAD") && o.path().equals(r.path()));
            if (r.method().equals("GET") && !hasHead) {
                Route head = new Route(r.group(), "HEAD", r.path(), 0, r.guard());
                table.add(head);
                javalin.addHttpHandler(HandlerType.HEAD, r.path(), installed.get(r));
            }
        }
    }

    private static <T> T json(Context ctx, Class<T> type) throws IOException {
        byte[] bytes = bodyBytes(ctx);
        if (bytes.length == 0) {
            throw new CairnException(ErrorCode.EINVAL, "empty request body");
        }
        T value;
        try {
            value = Json.mapper().readValue(bytes, type);
        } catch (JsonProcessingException e) {
            throw new CairnException(ErrorCode.EINVAL, "malformed JSON: " + e.getOriginalMessage());
        }
        if (value == null) {
            throw new CairnException(ErrorCode.EINVAL, "request body is null");
        }
        return value;
    }
}
