package io.cairn.datanode.http;

import io.cairn.datanode.Enrolled;
import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.client.DatanodeClient;
import io.cairn.common.client.Http;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.json.Json;
import io.cairn.common.security.ChunkTokens;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.datanode.DatanodeServer;
import io.cairn.datanode.testing.FakeMaster;
import io.cairn.datanode.testing.TestKeys;
import io.cairn.testing.RawHttp;
import io.cairn.testing.Eventually;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class ChunkApiTest {
    static final String ID = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;
    FakeMaster master;
    DatanodeServer server;
    Http http;
    DatanodeClient client;
    byte[] key;

    @BeforeEach
    void start() throws IOException {
        master = new FakeMaster("cluster-1");
        http = new Http(Duration.ofSeconds(30));
        client = new DatanodeClient(http);
        key = TestKeys.provision(tmp.resolve("data"));
        server = start(0);
    }

    /** Starts a datanode and waits until it has joined (so no cluster-id write is under way in tmp/). */
    DatanodeServer start(long capacity) throws IOException {
        int reports = master.reports.size();
        DatanodeServer s = DatanodeServer.start(new DatanodeConfig("127.0.0.1", 0, Enrolled.dir(tmp.resolve("data")), master.url(),
                null, Duration.ofMillis(100), capacity, 0, Clock.systemUTC()));
        Eventually.await("the datanode reported to the master", () -> master.reports.size() > reports);
        return s;
    }

    @AfterEach
    void stop() {
        server.close();
        master.close();
        http.client().dispatcher().executorService().shutdown();
        http.client().connectionPool().evictAll();
    }

    /** This test's datanode as a replica of chunk {@code id}, with a token for every operation on it. */
    Replica at(String id) {
        return TestKeys.replica(server, key, id);
    }

    String status() {
        return TestKeys.status(key, server.nodeId());
    }

    /** A hand-written request carrying a token for every operation on chunk {@link #ID}. */
    RawHttp.Reply raw(String method, String target, long contentLength, byte[] body) throws IOException {
        return RawHttp.send(server.port(), method + " " + target + " HTTP/1.1\r\nAuthorization: "
                + ChunkTokens.header(at(ID).token()) + "\r\nContent-Length: " + contentLength, body);
    }

    RawHttp.Reply raw(String method, String target, byte[] body) throws IOException {
        return raw(method, target, body.length, body);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long crc(byte[] b) {
        return DatanodeClient.crc32c(b, 0, b.length);
    }

    static JsonNode json(RawHttp.Reply r) throws IOException {
        return Json.mapper().readTree(r.body());
    }

    static void assertCode(ThrowingCall call, ErrorCode code) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    List<Path> filesUnder(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aChunkPutIsReadBackAndThenDeleted() throws IOException {
        byte[] b = bytes("the bytes of a chunk");
        Replies.Stored stored = client.put(at(ID), ID, b, b.length, crc(b));
        assertThat(stored).isEqualTo(new Replies.Stored(ID, b.length, crc(b)));
        assertThat(client.get(at(ID), ID, b.length, crc(b))).isEqualTo(b);
        assertThat(client.status(server.url(), status()).chunks()).isEqualTo(1);
        client.delete(at(ID), ID);
        assertCode(() -> client.get(at(ID), ID, b.length, crc(b)), ErrorCode.ENOENT);
        assertThat(client.status(server.url(), status()).chunks()).isZero();
    }

    @Test
    void aGetSendsTheLengthAndTheRawBytes() throws IOException {
        byte[] b = new byte[300_000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31);
        }
        client.put(at(ID), ID, b, b.length, crc(b));
        try (Response r = http.client().newCall(new Request.Builder()
                .url(server.url() + "/api/v1/chunks/" + ID).header("Authorization", ChunkTokens.header(at(ID).token()))
                .build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(b.length));
            assertThat(r.header("Content-Encoding")).isNull();
            assertThat(r.body().bytes()).isEqualTo(b);
        }
    }

    @Test
    void headSaysWhetherAChunkIsHereAndItsSize() throws IOException {
        byte[] b = bytes("twelve bytes");
        client.put(at(ID), ID, b, b.length, crc(b));
        RawHttp.Reply here = raw("HEAD", "/api/v1/chunks/" + ID, new byte[0]);
        assertThat(here.status()).isEqualTo(200);
        assertThat(here.headers()).containsIgnoringCase("Content-Length: 12");
        assertThat(here.body()).isEmpty();
        String other = "f".repeat(32);
        String readOther = ChunkTokens.header(TestKeys.token(key, server.nodeId(), other, "r"));
        assertThat(RawHttp.send(server.port(), "HEAD /api/v1/chunks/" + other + " HTTP/1.1\r\nAuthorization: "
                + readOther, new byte[0]).status()).isEqualTo(404);
    }

    @Test
    void putTwiceWithTheSameBytesIsAnsweredCreatedBothTimes() throws IOException {
        byte[] b = bytes("again");
        RawHttp.Reply first = raw("PUT", "/api/v1/chunks/" + ID + "?crc32c=" + crc(b), b);
        RawHttp.Reply second = raw("PUT", "/api/v1/chunks/" + ID + "?crc32c=" + crc(b), b);
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(json(second).get("size").asLong()).isEqualTo(b.length);
        assertThat(client.status(server.url(), status()).used()).isEqualTo(b.length);
    }

    @Test
    void aBodyThatDoesNotMatchItsCrcIsRefusedWith422AndNotKept() throws IOException {
        byte[] b = bytes("flipped bit");
        RawHttp.Reply r = raw("PUT", "/api/v1/chunks/" + ID + "?crc32c=" + (crc(b) ^ 4), b);
        assertThat(r.status()).isEqualTo(422);
        assertThat(json(r).get("code").asText()).isEqualTo("EBADMSG");
        assertCode(() -> client.put(at(ID), ID, b, b.length, crc(b) ^ 4), ErrorCode.EBADMSG);
        assertThat(filesUnder(server.dataDir().resolve("chunks"))).isEmpty();
        assertThat(filesUnder(server.dataDir().resolve("tmp"))).isEmpty();
    }

    @Test
    void aMissingOrMalformedCrcIsRefusedWith400() throws IOException {
        byte[] b = bytes("x");
        for (String q : List.of("", "?crc32c=", "?crc32c=abc", "?crc32c=-1", "?crc32c=4294967296", "?crc32c=99999999999999999999")) {
            RawHttp.Reply r = raw("PUT", "/api/v1/chunks/" + ID + q, b);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(json(r).get("code").asText()).as(q).isEqualTo("EINVAL");
        }
    }

    @Test
    void aDeclaredLengthOverTheChunkLimitIsRefusedWith413BeforeAnyByteIsRead() throws IOException {
        RawHttp.Reply r = raw("PUT", "/api/v1/chunks/" + ID + "?crc32c=0",
                DatanodeClient.MAX_CHUNK + 1L, new byte[0]);
        assertThat(r.status()).isEqualTo(413);
        assertThat(json(r).get("code").asText()).isEqualTo("EFBIG");
        assertThat(filesUnder(server.dataDir().resolve("tmp"))).isEmpty();
    }

    @Test
    void aBodyWithoutLengthIsCutOffWith413OnceItPassesTheChunkLimit() throws IOException {
        RequestBody endless = new RequestBody() {
            @Override
            public MediaType contentType() {
                return Http.OCTETS;
            }

            @Override
            public long contentLength() {
                return -1; // sent chunked
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                byte[] block = new byte[1 << 20];
                for (int i = 0; i < 65; i++) {
                    sink.write(block);
                }
            }
        };
        Request put = new Request.Builder().url(server.url() + "/api/v1/chunks/" + ID + "?crc32c=0")
                .header("Authorization", ChunkTokens.header(at(ID).token())).put(endless).build();
        try (Response r = http.client().newCall(put).execute()) {
            assertThat(r.code()).isEqualTo(413);
            assertThat(Json.mapper().readTree(r.body().bytes()).get("code").asText()).isEqualTo("EFBIG");
        }
        assertThat(filesUnder(server.dataDir().resolve("chunks"))).isEmpty();
        assertThat(filesUnder(server.dataDir().resolve("tmp"))).isEmpty();
    }

    @Test
    void anUnknownRouteGetsA404JsonError() throws IOException {
        for (String target : List.of("/api/v1/nope", "/nope", "/api/v2/chunks/" + ID, "/api/v1/chunks")) {
            RawHttp.Reply r = raw("GET", target, new byte[0]);
            assertThat(r.status()).as(target).isEqualTo(404);
            assertThat(r.headers()).as(target).containsIgnoringCase("application/json");
            assertThat(json(r).get("code").asText()).as(target).isEqualTo("ENOSYS");
        }
        RawHttp.Reply post = raw("POST", "/api/v1/chunks/" + ID, new byte[0]);
        assertThat(post.status()).isEqualTo(404);
        assertThat(json(post).get("code").asText()).isEqualTo("ENOSYS");
    }

    @Test
    void anUnexpectedFailureIsAnswered500Eio() throws IOException {
        // a directory where a chunk file should be: deleting it fails in a way no rule foresaw
        Files.createDirectories(server.dataDir().resolve("chunks/01/" + ID + "/x"));
        RawHttp.Reply r = raw("DELETE", "/api/v1/chunks/" + ID, new byte[0]);
        assertThat(r.status()).isEqualTo(500);
        assertThat(json(r).get("code").asText()).isEqualTo("EIO");
        RawHttp.Reply get = raw("GET", "/api/v1/chunks/" + ID, new byte[0]);
        assertThat(get.status()).isEqualTo(404);
        assertThat(json(get).get("code").asText()).isEqualTo("ENOENT");
    }

    @Test
    void aMissingChunkGetsA404Enoent() throws IOException {
        RawHttp.Reply r = raw("GET", "/api/v1/chunks/" + ID, new byte[0]);
        assertThat(r.status()).isEqualTo(404);
        assertThat(json(r).get("code").asText()).isEqualTo("ENOENT");
    }

    @Test
    void deletingAMissingChunkSucceeds() throws IOException {
        RawHttp.Reply r = raw("DELETE", "/api/v1/chunks/" + ID, new byte[0]);
        assertThat(r.status()).isEqualTo(200);
        assertThat(json(r).get("ok").asBoolean()).isTrue();
    }

    @Test
    void pathTraversalIdsAreRefusedAndCreateNothing() throws IOException {
        byte[] b = bytes("pwned");
        List<String> ids = List.of("../x", "..%2Fx", "%2e%2e%2f", "%2e%2e%2fx", "..%2F..%2Fetc%2Fpasswd",
                "../../etc/passwd", "%2e%2e/%2e%2e/x", "/etc/passwd", "%2Fetc%2Fpasswd", "..", "%2e%2e",
                "..%5cx", "aa%00" + "a".repeat(28), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "..;/x");
        for (String id : ids) {
            for (String method : List.of("PUT", "GET", "DELETE")) {
                RawHttp.Reply r = raw(method, "/api/v1/chunks/" + id + "?crc32c=" + crc(b),
                        method.equals("PUT") ? b : new byte[0]);
                assertThat(r.status()).as(method + " " + id).isBetween(400, 499);
                // a token is for one well-formed chunk id: any other is refused by the token check or the id check
                assertThat(json(r).get("code").asText()).as(method + " " + id).isIn("EINVAL", "ENOSYS", "ENOENT",
                        "EACCES");
            }
        }
        assertThat(filesUnder(tmp)).extracting(p -> tmp.relativize(p).toString())
                .containsExactlyInAnyOrder("data/node-id", "data/lock", "data/cluster-id", "data/node.key");
    }

    @Test
    void aChunkThatWouldExceedTheCapacityIsRefusedWith507() throws IOException {
        server.close();
        server = start(10);
        byte[] b = bytes("eleven byte");
        RawHttp.Reply r = raw("PUT", "/api/v1/chunks/" + ID + "?crc32c=" + crc(b), b);
        assertThat(r.status()).isEqualTo(507);
        assertThat(json(r).get("code").asText()).isEqualTo("ENOSPC");
        assertCode(() -> client.put(at(ID), ID, b, b.length, crc(b)), ErrorCode.ENOSPC);
        assertThat(filesUnder(server.dataDir().resolve("chunks"))).isEmpty();
        byte[] fits = bytes("ten bytes!");
        client.put(at(ID), ID, fits, fits.length, crc(fits));
    }

    @Test
    void statusSaysWhoTheNodeIsAndHowFullItIs() throws IOException {
        byte[] b = bytes("12345");
        client.put(at(ID), ID, b, b.length, crc(b));
        Replies.DatanodeStatus s = client.status(server.url(), status());
        assertThat(s.nodeId()).isEqualTo(server.nodeId());
        assertThat(s.address()).isEqualTo(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
        assertThat(s.used()).isEqualTo(5);
        assertThat(s.chunks()).isEqualTo(1);
        assertThat(s.capacity()).isPositive();
    }

    @Test
    void closeLetsAnUploadUnderWayFinish() throws Exception {
        byte[] b = new byte[1 << 20];
        CountDownLatch started = new CountDownLatch(1);
        RequestBody slow = new RequestBody() {
            @Override
            public MediaType contentType() {
                return Http.OCTETS;
            }

            @Override
            public long contentLength() {
                return b.length;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.write(b, 0, 1000);
                sink.flush();
                started.countDown();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                sink.write(b, 1000, b.length - 1000);
            }
        };
        Request put = new Request.Builder().url(server.url() + "/api/v1/chunks/" + ID + "?crc32c=" + crc(b))
                .header("Authorization", ChunkTokens.header(at(ID).token())).put(slow).build();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try (Response r = http.client().newCall(put).execute()) {
                return r.code();
            } catch (IOException e) {
                return -1;
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Eventually.await("the request is inside the handler: its chunk is being written in tmp/", () -> {
            try (Stream<Path> parts = Files.list(server.dataDir().resolve("tmp"))) {
                return parts.anyMatch(p -> p.getFileName().toString().endsWith(".part"));
            } catch (IOException e) {
                return false;
            }
        });
        server.close();
        assertThat(status.get(10, TimeUnit.SECONDS)).isEqualTo(201);
        assertThat(server.dataDir().resolve("chunks/01/" + ID)).hasBinaryContent(b);
        server.close(); // a second close does nothing
    }
}
