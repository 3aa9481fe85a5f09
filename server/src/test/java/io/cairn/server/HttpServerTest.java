package io.cairn.server;

import io.cairn.testing.RawHttp;
import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.json.Json;
import io.cairn.common.wire.WireVersion;
import io.javalin.http.ConflictResponse;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.ServiceUnavailableResponse;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server layer over real sockets: errors, body limits, guards, the wire version, stopping. */
@Timeout(60)
class HttpServerTest {
    private static final MediaType JSON = MediaType.get("application/json");
    /** What the stream route below accepts. */
    private static final int STREAM_LIMIT = 1000;

    record Echo(String text) {
    }

    private final OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    private final AtomicReference<Throwable> streamFailure = new AtomicReference<>();
    private final CountDownLatch streamFailed = new CountDownLatch(1);
    private HttpServer server;

    /** Routes that fail each in their own way, an echo, a bounded stream, and a slow one. */
    private final RouteGroup faults = r -> {
        r.get("/cairn", ctx -> {
            throw new CairnException(ErrorCode.ENOENT, "no such thing");
        });
        r.get("/illegal", ctx -> {
            throw new IllegalArgumentException("not like that");
        });
        r.get("/conflict", ctx -> {
            throw new ConflictResponse("busy");
        });
        r.get("/too-large", ctx -> {
            throw new ContentTooLargeResponse("too much");
        });
        r.get("/unavailable", ctx -> {
            throw new ServiceUnavailableResponse("later");
        });
        r.get("/boom", ctx -> {
            throw new IllegalStateException("a bug");
        });
        r.get("/slow", ctx -> {
            Thread.sleep(500);
            Reply.json(ctx, new Echo("slow"));
        });
        r.post("/echo", Echo.class, (ctx, body) -> Reply.json(ctx, body));
        r.put("/stream", STREAM_LIMIT, (ctx, body) -> {
            try {
                Reply.json(ctx, 201, new Echo(Long.toString(body.transferTo(OutputStreamSink.INSTANCE))));
            } catch (IOException | RuntimeException e) {
                streamFailure.set(e);
                streamFailed.countDown();
                throw e;
            }
        });
    };

    /** Somewhere to pour a body. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    private HttpServer start(HttpServer.Builder b) throws IOException {
        server = b.start("127.0.0.1", 0);
        return server;
    }

    private HttpServer start() throws IOException {
        return start(HttpServer.builder("test server").group("faults", Guard.OPEN, faults));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private record Answer(int status, JsonNode body) {
        String code() {
            return body.path("code").asText();
        }

        String message() {
            return body.path("message").asText();
        }
    }

    private Answer send(Request r) throws IOException {
        try (Response resp = http.newCall(r).execute()) {
            assertThat(resp.header("Content-Type")).as(r.toString()).startsWith("application/json");
            return new Answer(resp.code(), Json.mapper().readTree(resp.body().bytes()));
        }
    }

    private Answer get(String path) throws IOException {
        return send(new Request.Builder().url(url(path)).build());
    }

    private Answer post(String path, String body) throws IOException {
        return send(new Request.Builder().url(url(path)).post(RequestBody.create(body, JSON)).build());
    }

    private static JsonNode json(RawHttp.Reply r) throws IOException {
        return Json.mapper().readTree(r.body());
    }

    /** A body of {@code n} bytes sent without a Content-Length (chunked). */
    private static RequestBody chunked(long n) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return JSON;
            }

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                byte[] block = new byte[64 * 1024];
                java.util.Arrays.fill(block, (byte) ' ');
                for (long left = n; left > 0; left -= block.length) {
                    sink.write(block, 0, (int) Math.min(block.length, left));
                }
            }
        };
    }

    @Test
    void portZeroListensOnAFreePortAndReportsIt() throws IOException {
        start();
        assertThat(server.port()).isPositive();
        assertThat(post("/echo", "{\"text\":\"hi\"}").body().path("text").asText()).isEqualTo("hi");
    }

    @Test
    void aCairnExceptionKeepsItsCodeAndStatus() throws IOException {
        start();
        Answer a = get("/cairn");
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.code()).isEqualTo("ENOENT");
        assertThat(a.message()).isEqualTo("no such thing");
    }

    @Test
    void anIllegalArgumentIsEinval() throws IOException {
        start();
        Answer a = get("/illegal");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.code()).isEqualTo("EINVAL");
        assertThat(a.message()).isEqualTo("not like that");
    }

    @Test
    void aJavalinStatusGetsTheCodeForThatStatus() throws IOException {
        start();
        assertThat(get("/conflict")).extracting(Answer::status, Answer::code).containsExactly(409, "EINVAL");
        assertThat(get("/too-large")).extracting(Answer::status, Answer::code).containsExactly(413, "EFBIG");
        assertThat(get("/unavailable")).extracting(Answer::status, Answer::code).containsExactly(503, "EIO");
    }

    @Test
    void anythingElseIsAnswered500Eio() throws IOException {
        start();
        Answer a = get("/boom");
        assertThat(a.status()).isEqualTo(500);
        assertThat(a.code()).isEqualTo("EIO");
        assertThat(a.message()).contains("a bug");
    }

    @Test
    void malformedEmptyAndNullJsonAreEinval() throws IOException {
        start();
        for (String body : List.of("{\"text\": ", "", "null", "[1,2]", "{\"text\": 1, \"text\": }")) {
            Answer a = post("/echo", body);
            assertThat(a.status()).as(body).isEqualTo(400);
            assertThat(a.code()).as(body).isEqualTo("EINVAL");
        }
    }

    @Test
    void anUnknownRouteAndAWrongMethodAreEnosys() throws IOException {
        start();
        for (Answer a : List.of(get("/nope"), get("/"), post("/cairn", "{}"),
                send(new Request.Builder().url(url("/echo")).delete().build()))) {
            assertThat(a.status()).isEqualTo(404);
            assertThat(a.code()).isEqualTo("ENOSYS");
            assertThat(a.message()).startsWith("no such route: ");
        }
    }

    @Test
    void aJsonBodyOverTheLimitIsEfbigByItsContentLength() throws IOException {
        start();
        RawHttp.Reply r = RawHttp.send(server.port(), "POST /echo HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
                + (Routes.MAX_JSON_BODY + 1), new byte[0]);
        assertThat(r.status()).isEqualTo(413);
        assertThat(json(r).path("code").asText()).isEqualTo("EFBIG");
    }

    @Test
    void aJsonBodyOverTheLimitIsEfbigByItsBytesWhenNoLengthIsSent() throws IOException {
        start();
        Answer over = send(new Request.Builder().url(url("/echo")).post(chunked(Routes.MAX_JSON_BODY + 1L)).build());
        assertThat(over).extracting(Answer::status, Answer::code).containsExactly(413, "EFBIG");
        // exactly at the limit is read whole (and then refused as not being JSON)
        Answer at = send(new Request.Builder().url(url("/echo")).post(chunked(Routes.MAX_JSON_BODY)).build());
        assertThat(at).extracting(Answer::status, Answer::code).containsExactly(400, "EINVAL");
    }

    @Test
    void aStreamedBodyIsBoundedByItsRoutesLimit() throws IOException {
        start();
        Answer fits = send(new Request.Builder().url(url("/stream")).put(chunked(STREAM_LIMIT)).build());
        assertThat(fits.status()).isEqualTo(201);
        assertThat(fits.body().path("text").asText()).isEqualTo(Integer.toString(STREAM_LIMIT));
        Answer over = send(new Request.Builder().url(url("/stream")).put(chunked(STREAM_LIMIT + 1)).build());
        assertThat(over).extracting(Answer::status, Answer::code).containsExactly(413, "EFBIG");
        RawHttp.Reply declared = RawHttp.send(server.port(), "PUT /stream HTTP/1.1\r\nContent-Length: " + (STREAM_LIMIT + 1),
                new byte[0]);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(json(declared).path("code").asText()).isEqualTo("EFBIG");
    }

    @Test
    void aRouteWithoutABodyRefusesOne() throws IOException {
        start();
        RawHttp.Reply r = RawHttp.send(server.port(), "GET /slow HTTP/1.1\r\nContent-Length: 5", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(413);
        assertThat(json(r).path("code").asText()).isEqualTo("EFBIG");
        assertThat(json(r).path("message").asText()).contains("takes no request body");
    }

    @Test
    void aClientThatGoesAwayMidBodyIsEinvalNotAnErrorOfOurs() throws Exception {
        start();
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("PUT /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n" + "x".repeat(100))
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            Thread.sleep(200); // the handler is reading
        }
        assertThat(streamFailed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(streamFailure.get()).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL));
    }

    @Test
    void aUriJettyRefusesGetsTheSameJsonErrorBody() throws IOException {
        start();
        for (String target : List.of("/a/%2e%2e/%2e%2e/etc/passwd", "/echo%00", "/%FF%FE")) {
            RawHttp.Reply r = RawHttp.send(server.port(), "GET " + target + " HTTP/1.1", new byte[0]);
            assertThat(r.status()).as(target).isEqualTo(400);
            assertThat(r.headers()).as(target).containsIgnoringCase("application/json");
            assertThat(json(r).path("code").asText()).as(target).isEqualTo("EINVAL");
        }
    }

    @Test
    void everyRouteIsInTheTableWithItsGroupBodyLimitAndGuard() throws IOException {
        Guard closed = ctx -> {
            throw new CairnException(ErrorCode.EACCES, "show your papers");
        };
        start(HttpServer.builder("test server")
                .group("faults", Guard.OPEN, faults)
                .group("closed", closed, r -> r.get("/closed", ctx -> Reply.json(ctx, new Echo("in")))));
        assertThat(server.routes()).allSatisfy(route -> assertThat(route.guard()).isNotNull());
        assertThat(server.routes()).filteredOn(route -> route.group().equals("closed"))
                .extracting(Route::method, Route::path, Route::guard, Route::takesBody)
                .as("a GET route, and the HEAD made for it behind the same guard")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("GET", "/closed", closed, false),
                        org.assertj.core.groups.Tuple.tuple("HEAD", "/closed", closed, false));
        long gets = server.routes().stream().filter(r -> r.method().equals("GET")).count();
        assertThat(server.routes().stream().filter(r -> r.method().equals("HEAD")).count()).isGreaterThanOrEqualTo(gets);
        assertThat(io.cairn.testing.RawHttp.send(server.port(), "HEAD /closed HTTP/1.1", new byte[0]).status())
                .as("a HEAD runs the guard").isEqualTo(403);
        assertThat(server.routes()).filteredOn(Route::takesBody)
                .extracting(Route::method, Route::path, Route::bodyLimit)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("POST", "/echo", (long) Routes.MAX_JSON_BODY),
                        org.assertj.core.groups.Tuple.tuple("PUT", "/stream", (long) STREAM_LIMIT));
        Answer refused = get("/closed");
        assertThat(refused).extracting(Answer::status, Answer::code).containsExactly(403, "EACCES");
        assertThat(post("/echo", "{\"text\":\"open\"}").status()).isEqualTo(200);
    }

    @Test
    void aCallerOfAnotherWireVersionIsRefusedWithOneClearLine() throws IOException {
        start();
        Request.Builder echo = new Request.Builder().url(url("/echo")).post(RequestBody.create("{\"text\":\"v\"}", JSON));
        String newer = Integer.toString(WireVersion.CURRENT + 1);
        Answer other = send(echo.header(WireVersion.HEADER, newer).build());
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.code()).isEqualTo("EPROTO");
        assertThat(other.message()).isEqualTo("this test server speaks Cairn wire version " + WireVersion.CURRENT
                + ", the caller speaks " + newer + ": run the same Cairn version on every part");
        assertThat(send(echo.header(WireVersion.HEADER, Integer.toString(WireVersion.CURRENT)).build()).status())
                .isEqualTo(200);
        assertThat(send(echo.removeHeader(WireVersion.HEADER).build()).status()).as("curl sends none").isEqualTo(200);
        Answer junk = send(echo.header(WireVersion.HEADER, "x".repeat(100)).build());
        assertThat(junk.code()).isEqualTo("EPROTO");
        assertThat(junk.message()).hasSizeLessThan(150);
    }

    @Test
    void aServerSetToSpeakAnotherVersionRefusesTodaysCallers() throws IOException {
        start(HttpServer.builder("master").wireVersion(WireVersion.CURRENT + 1).group("faults", Guard.OPEN, faults));
        Answer a = send(new Request.Builder().url(url("/nope")).header(WireVersion.HEADER,
                Integer.toString(WireVersion.CURRENT)).build());
        assertThat(a.code()).as("checked before routing").isEqualTo("EPROTO");
        assertThat(a.message()).startsWith("this master speaks Cairn wire version " + (WireVersion.CURRENT + 1));
    }

    @Test
    void closeLetsARequestUnderWayFinishAndThenRefusesConnections() throws Exception {
        start();
        CompletableFuture<Integer> slow = CompletableFuture.supplyAsync(() -> {
            try (Response r = http.newCall(new Request.Builder().url(url("/slow")).build()).execute()) {
                return r.code();
            } catch (IOException e) {
                return -1;
            }
        });
        Thread.sleep(200); // the request is inside its handler
        int port = server.port();
        server.close();
        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        assertThatThrownBy(() -> RawHttp.send(port, "GET /slow HTTP/1.1", new byte[0])).isInstanceOf(ConnectException.class);
        server.close(); // a second close does nothing
    }

    @Test
    void aPortInUseIsABindException() throws IOException {
        start();
        assertThatThrownBy(() -> HttpServer.builder("other").start("127.0.0.1", server.port()))
                .isInstanceOf(java.net.BindException.class).hasMessageContaining("cannot listen on 127.0.0.1:" + server.port());
    }

    @Test
    void repliesAreNeverCompressed() throws IOException {
        start();
        String big = "a".repeat(60_000); // JSON strings are bounded at 64 KiB
        try (Response r = http.newCall(new Request.Builder().url(url("/echo")).header("Accept-Encoding", "gzip")
                .post(RequestBody.create("{\"text\":\"" + big + "\"}", JSON)).build()).execute()) {
            assertThat(r.header("Content-Encoding")).isNull();
            try (InputStream in = r.body().byteStream()) {
                String text = Json.mapper().readTree(in).path("text").asText();
                assertThat(text.length()).as("status " + r.code()).isEqualTo(big.length());
                assertThat(text.equals(big)).isTrue();
            }
        }
    }

    @Test
    void formsAreParsedAndBoundedAndRequestsAreTimedByRouteAndStatus() throws Exception {
        ServerMetrics metrics = ServerMetrics.create("test", "1");
        start(HttpServer.builder("test server")
                .group("faults", Guard.OPEN, faults)
                .group("form", Guard.OPEN, r -> r.postForm("/form", (ctx, f) -> Reply.json(ctx,
                        new Echo(f.get("a") + "|" + f.get("b") + "|" + f.size()))))
                .group("metrics", Guard.OPEN, metrics.route())
                .metrics(metrics));
        Answer a = send(new Request.Builder().url(url("/form")).post(RequestBody.create("a=x%20y&b=%3C%26%3E&a=second&c",
                MediaType.get("application/x-www-form-urlencoded"))).build());
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("text").asText()).as("decoded; a name given twice keeps its first value")
                .isEqualTo("x y|<&>|3");
        Answer big = send(new Request.Builder().url(url("/form")).post(RequestBody.create("a=" + "x".repeat(Routes.MAX_FORM_BODY),
                MediaType.get("application/x-www-form-urlencoded"))).build());
        assertThat(big).extracting(Answer::status, Answer::code).containsExactly(413, "EFBIG");
        Answer bad = send(new Request.Builder().url(url("/form")).post(RequestBody.create("a=%zz",
                MediaType.get("application/x-www-form-urlencoded"))).build());
        assertThat(bad).extracting(Answer::status, Answer::code).containsExactly(400, "EINVAL");
        get("/cairn");
        get("/no/such/route");
        try (Response r = http.newCall(new Request.Builder().url(url(ServerMetrics.PATH)).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
            String text = r.body().string();
            assertThat(text).contains("cairn_http_request_duration_seconds_count{code=\"200\",method=\"POST\",route=\"/form\"} 1")
                    .contains("cairn_http_request_duration_seconds_count{code=\"413\",method=\"POST\",route=\"/form\"} 1")
                    .contains("route=\"/cairn\"")
                    .contains("cairn_http_request_duration_seconds_count{code=\"404\",method=\"GET\",route=\"unmatched\"} 1")
                    .contains("cairn_build_info{role=\"test\",version=\"1\"} 1")
                    .doesNotContain("/no/such/route");
        }
    }

    @Test
    void pagesEscapeWhatTheyShow() {
        assertThat(Pages.escape("<a href='x'>\"&\"</a>")).isEqualTo("&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
        assertThat(Pages.escape(null)).isEmpty();
    }
}
