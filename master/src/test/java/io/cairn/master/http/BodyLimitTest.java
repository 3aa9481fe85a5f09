package io.cairn.master.http;

import io.cairn.master.Callers;
import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import io.cairn.server.Route;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route of both servers, taken from their route tables (so a new route is covered without
 * touching this test): one that takes a body refuses one byte over its limit with 413 EFBIG, whether
 * the Content-Length says so or the bytes do; one that takes no body refuses any.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BodyLimitTest {
    private static final String CHUNK = "0123456789abcdef0123456789abcdef";
    /** Query parameters some routes check before they read (ignored by the rest). */
    private static final String QUERY = "?crc32c=0&sync=false&inode=1&path=/";

    BothServers servers;
    final OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        servers = new BothServers(dir);
    }

    @AfterAll
    void stop() {
        servers.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    record Served(String server, int port, Route route, String auth) {
        String target() {
            return route.path().replace("{id}", CHUNK).replace("{name}", "a-token") + QUERY;
        }

        /** {@code req} with the datanode's chunk token for this route, so that its guard lets it by. */
        Raw.Req authorized(Raw.Req req) {
            return auth == null ? req : req.header(auth);
        }

        @Override
        public String toString() {
            return server + " " + route.method() + " " + route.path();
        }
    }

    List<Served> routes() {
        List<Served> all = new ArrayList<>();
        servers.master.routes().forEach(r -> all.add(new Served("master", servers.master.port(), r, null)));
        servers.datanode.routes().forEach(r -> all.add(new Served("datanode", servers.datanode.port(), r,
                servers.authFor(r, CHUNK))));
        return all;
    }

    @Test
    void theRouteTablesListTheRoutesThatTakeABody() {
        assertThat(routes()).filteredOn(s -> s.route().takesBody()).extracting(Served::toString)
                .contains("master POST /api/v1/fs/mkdir", "master POST /api/v1/fs/commit",
                        "master POST /api/v1/nodes/register", "master POST /api/v1/nodes/decommission",
                        "datanode PUT /api/v1/chunks/{id}", "datanode POST /api/v1/sync");
        assertThat(routes()).allSatisfy(s -> assertThat(s.route().guard()).as(s.toString()).isNotNull());
    }

    @Test
    void aDeclaredLengthOneOverTheLimitIsRefusedOnEveryRouteThatTakesABody() throws IOException {
        List<Served> withBody = routes().stream().filter(s -> s.route().takesBody()).toList();
        assertThat(withBody).hasSizeGreaterThan(15);
        for (Served s : withBody) {
            Raw.Reply r = Raw.send(s.port(), s.authorized(Raw.Req.claiming(s.route().method(), s.target(),
                    s.route().bodyLimit() + 1)));
            assertThat(r.status()).as(s.toString()).isEqualTo(413);
            assertThat(r.code()).as(s.toString()).isEqualTo("EFBIG");
        }
    }

    @Test
    void bytesOneOverTheLimitAreRefusedOnEveryRouteThatTakesABodyWhenNoLengthIsSent() throws IOException {
        for (Served s : routes()) {
            if (!s.route().takesBody()) {
                continue;
            }
            Request.Builder b = new Request.Builder().url("http://127.0.0.1:" + s.port() + s.target())
                    .method(s.route().method(), spaces(s.route().bodyLimit() + 1));
            String auth = s.server().equals("master") ? credentials(s)
                    : s.auth() == null ? null : s.auth().substring("Authorization: ".length());
            Request req = (auth == null ? b : b.header("Authorization", auth)).build();
            try (Response resp = http.newCall(req).execute()) {
                JsonNode body = Json.mapper().readTree(resp.body().bytes());
                assertThat(resp.code()).as(s.toString()).isEqualTo(413);
                assertThat(body.path("code").asText()).as(s.toString()).isEqualTo("EFBIG");
            }
        }
    }

    @Test
    void aRouteThatTakesNoBodyRefusesOne() throws IOException {
        for (Served s : routes()) {
            if (s.route().takesBody()) {
                continue;
            }
            Raw.Reply r = Raw.send(s.port(), s.authorized(Raw.Req.json(s.route().method(), s.target(), "{}")));
            assertThat(r.status()).as(s.toString()).isEqualTo(413);
            if (!s.route().method().equals("HEAD")) {
                assertThat(r.code()).as(s.toString()).isEqualTo("EFBIG");
            }
        }
    }

    /**
     * Credentials that get a request to {@code s} past its guard to where the body is read: the admin's
     * token; a join token for enrollment; for a datanode's own calls, a well-formed signature of the
     * enrolled datanode (its body is read, and found too long, before the signature is checked).
     */
    private String credentials(Served s) throws IOException {
        if (!s.server().equals("master")) {
            return null;
        }
        if (s.route().group().equals("enroll")) {
            return "Bearer " + servers.master.tokens().createJoin(null, null, "test").token();
        }
        if (s.route().group().equals("nodes")) {
            return io.cairn.common.security.NodeSignature.sign(new byte[32], servers.datanode.nodeId(),
                    s.route().method(), s.target(), System.currentTimeMillis(), new byte[0]);
        }
        return "Bearer " + Callers.adminToken(servers.master);
    }

    /** {@code n} spaces, sent chunked (no Content-Length), in blocks. */
    private static RequestBody spaces(long n) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return MediaType.get("application/json");
            }

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                byte[] block = new byte[256 * 1024];
                java.util.Arrays.fill(block, (byte) ' ');
                for (long left = n; left > 0; left -= block.length) {
                    sink.write(block, 0, (int) Math.min(block.length, left));
                }
            }
        };
    }
}
