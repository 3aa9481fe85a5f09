package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium, driven over its DevTools protocol (a WebSocket, through OkHttp): open
 * a page, run an expression in it, take a screenshot. Each browser has a profile of its own in a
 * temporary directory; {@link #close} kills the browser and removes it.
 */
final class Browser implements AutoCloseable {
    private static final Duration CALL = Duration.ofSeconds(20);
    /** The browser's messages: a screenshot is one string of several MB, past what Cairn's own mapper takes. */
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper(
            com.fasterxml.jackson.core.JsonFactory.builder().streamReadConstraints(
                    com.fasterxml.jackson.core.StreamReadConstraints.builder().maxStringLength(64 << 20).build()).build());

    private final Process process;
    private final Path profile;
    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(20)).build();
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

    /** The browser's program, or null with the reason in {@code why} when there is none. */
    static String find(StringBuilder why) {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        why.append("no chromium in /usr/bin (bin/test installs Debian's chromium when run as root)");
        return null;
    }

    Browser(String program, Path dir) throws Exception {
        profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(program, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--window-size=1200,1000",
                "--user-data-dir=" + profile, "about:blank"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromium.log").toFile()).start();
        try {
            Path active = profile.resolve("DevToolsActivePort");
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!(Files.exists(active) && Files.readAllLines(active).size() >= 2)) {
                if (!process.isAlive()) {
                    throw new IOException("chromium exited with " + process.exitValue() + "; see "
                            + dir.resolve("chromium.log"));
                }
                if (System.nanoTime() > until) {
                    throw new TimeoutException("chromium did not open its DevTools port within 30 s");
                }
                Thread.sleep(50);
            }
            int port = Integer.parseInt(Files.readAllLines(active).get(0).trim());
            String wsUrl = null;
            try (Response r = http.newCall(new Request.Builder().url("http://127.0.0.1:" + port + "/json/list").build())
                    .execute()) {
                for (JsonNode t : JSON.readTree(r.body().string())) {
                    if ("page".equals(t.path("type").asText())) {
                        wsUrl = t.path("webSocketDebuggerUrl").asText();
                        break;
                    }
                }
            }
            if (wsUrl == null) {
                throw new IOException("chromium shows no page to drive");
            }
            CompletableFuture<Void> open = new CompletableFuture<>();
            socket = http.newWebSocket(new Request.Builder().url(wsUrl).build(), new WebSocketListener() {
                @Override
                public void onOpen(WebSocket ws, Response response) {
                    open.complete(null);
                }

                @Override
                public void onMessage(WebSocket ws, String text) {
                    try {
                        JsonNode m = JSON.readTree(text);
                        if (m.has("id")) {
                            CompletableFuture<JsonNode> f = calls.remove(m.get("id").asInt());
                            if (f != null) {
                                if (m.has("error")) {
                                    f.completeExceptionally(new IOException("DevTools: " + m.get("error")));
                                } else {
                                    f.complete(m.path("result"));
                                }
                            }
                        }
                    } catch (IOException e) {
                        calls.values().forEach(f -> f.completeExceptionally(e));
                    }
                }

                @Override
                public void onFailure(WebSocket ws, Throwable t, Response response) {
                    open.completeExceptionally(t);
                    calls.values().forEach(f -> f.completeExceptionally(t));
                }
            });
            open.get(CALL.toMillis(), TimeUnit.MILLISECONDS);
            call("Page.enable", Map.of());
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Sends one DevTools command and waits (with a deadline) for its result. */
    JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        calls.put(id, f);
        ObjectNode m = JSON.createObjectNode();
        m.put("id", id);
        m.put("method", method);
        m.set("params", JSON.valueToTree(params));
        if (!socket.send(JSON.writeValueAsString(m))) {
            throw new IOException("the DevTools socket is closed");
        }
        try {
            return f.get(CALL.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            calls.remove(id);
        }
    }

    void open(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression in the page (null when the page is between loads). */
    JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (r.has("exceptionDetails")) {
            return null;
        }
        return r.path("result").path("value");
    }

    /** A PNG of the page as it is shown, written to {@code file}. */
    void screenshot(Path file) throws Exception {
        JsonNode r = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(r.path("data").asText()));
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.cancel();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        try (var walk = Files.walk(profile)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // the temporary directory goes with the test's
        }
    }
}
