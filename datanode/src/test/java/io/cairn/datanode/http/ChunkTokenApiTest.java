package io.cairn.datanode.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.checksum.Crc32c;
import io.cairn.common.json.Json;
import io.cairn.common.security.ChunkTokens;
import io.cairn.common.security.NodeKeys;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.datanode.DatanodeServer;
import io.cairn.datanode.testing.FakeMaster;
import io.cairn.datanode.testing.TestKeys;
import io.cairn.server.Guard;
import io.cairn.server.Route;
import io.cairn.testing.Eventually;
import io.cairn.testing.RawHttp;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A datanode serves, stores, syncs or deletes a chunk, or says how full it is, only for a caller
 * with a chunk token minted for that chunk, this node and that operation, and not expired; the one
 * open route is the health check. Every refusal is 401 (no, bad, forged, truncated or expired
 * token: EAUTH) or 403 (a token for another chunk, node or operation: EACCES) with the JSON error body.
 */
@Timeout(60)
class ChunkTokenApiTest {
    static final String ID = "0123456789abcdef0123456789abcdef";
    static final String OTHER = "ffffffffffffffffffffffffffffffff";
    static final String STRANGER = "7e1d2c3b-4a59-4687-9a1b-2c3d4e5f6a7b";
    static final byte[] BYTES = "the bytes of a chunk".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;
    FakeMaster master;
    DatanodeServer server;
    byte[] key;

    @BeforeEach
    void start() throws IOException {
        master = new FakeMaster("cluster-1");
        Files.createDirectories(tmp.resolve("data"));
        key = TestKeys.provision(tmp.resolve("data"));
        server = startOn(tmp.resolve("data"));
    }

    DatanodeServer startOn(Path dir) throws IOException {
        int reports = master.reports.size();
        DatanodeServer s = DatanodeServer.start(new DatanodeConfig("127.0.0.1", 0, dir, master.url(), null,
                Duration.ofMillis(100), 0, 0, Clock.systemUTC()));
        Eventually.await("the datanode reported to the master", () -> master.reports.size() > reports);
        return s;
    }

    @AfterEach
    void stop() {
        server.close();
        master.close();
    }

    String token(String chunk, String ops) {
        return TestKeys.token(key, server.nodeId(), chunk, ops);
    }

    /** {@code method path} with {@code authorization} (null: none) and {@code body}. */
    static RawHttp.Reply send(DatanodeServer s, String method, String target, String authorization, byte[] body)
            throws IOException {
        String head = method + " " + target + " HTTP/1.1\r\nContent-Length: " + body.length
                + (authorization == null ? "" : "\r\nAuthorization: " + authorization);
        return RawHttp.send(s.port(), head, body);
    }

    RawHttp.Reply put(String id, String token) throws IOException {
        return send(server, "PUT", "/api/v1/chunks/" + id + "?crc32c=" + Crc32c.of(BYTES, 0, BYTES.length),
                token == null ? null : ChunkTokens.header(token), BYTES);
    }

    RawHttp.Reply call(String method, String id, String token) throws IOException {
        return send(server, method, "/api/v1/chunks/" + id, token == null ? null : ChunkTokens.header(token),
                new byte[0]);
    }

    RawHttp.Reply sync(String body) throws IOException {
        return send(server, "POST", "/api/v1/sync", null, body.getBytes(StandardCharsets.UTF_8));
    }

    static void refused(RawHttp.Reply r, int status, String code) throws IOException {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        if (!r.headers().startsWith("HTTP/1.1 " + status) || r.body().isEmpty()) {
            return; // a HEAD reply has no body
        }
        assertThat(r.headers()).containsIgnoringCase("application/json");
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
    }

    @Test
    void aGoodTokenStoresReadsAndDeletesItsChunk() throws IOException {
        assertThat(put(ID, token(ID, "w")).status()).isEqualTo(201);
        RawHttp.Reply get = call("GET", ID, token(ID, "r"));
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(new String(BYTES, StandardCharsets.UTF_8));
        assertThat(call("HEAD", ID, token(ID, "r")).status()).isEqualTo(200);
        assertThat(call("DELETE", ID, token(ID, "d")).status()).isEqualTo(200);
        assertThat(call("GET", ID, token(ID, "r")).status()).isEqualTo(404);
    }

    @Test
    void noOrABadTokenIsRefusedWith401() throws IOException {
        String good = token(ID, "rwd");
        refused(put(ID, null), 401, "EAUTH");
        refused(call("GET", ID, null), 401, "EAUTH");
        refused(call("DELETE", ID, null), 401, "EAUTH");
        // forged: made with a key this node does not hold, or its operations widened
        byte[] otherKey = NodeKeys.nodeKey(NodeKeys.newClusterKey(), server.nodeId());
        refused(put(ID, TestKeys.token(otherKey, server.nodeId(), ID, "rwd")), 401, "EAUTH");
        refused(put(ID, token(ID, "r").replace(".r.", ".rwd.")), 401, "EAUTH");
        // truncated
        refused(put(ID, good.substring(0, good.length() - 1)), 401, "EAUTH");
        refused(put(ID, good.substring(0, good.lastIndexOf('.'))), 401, "EAUTH");
        // expired (beyond the allowed clock skew)
        long past = System.currentTimeMillis() - ChunkTokens.SKEW.toMillis() - 1000;
        refused(put(ID, ChunkTokens.mint(key, server.nodeId(), ID, "rwd", past)), 401, "EAUTH");
        // a bearer token is no chunk token
        refused(send(server, "GET", "/api/v1/chunks/" + ID, "Bearer cairn_" + "A".repeat(43), new byte[0]),
                401, "EAUTH");
        refused(send(server, "GET", "/api/v1/chunks/" + ID, "CairnChunk " + "x".repeat(5000), new byte[0]),
                401, "EAUTH");
        assertThat(Files.exists(server.dataDir().resolve("chunks/01/" + ID))).isFalse();
    }

    @Test
    void aTokenForAnotherChunkNodeOrOperationIsRefusedWith403() throws IOException {
        assertThat(put(ID, token(ID, "w")).status()).isEqualTo(201);
        refused(call("GET", ID, token(OTHER, "rwd")), 403, "EACCES"); // chunk A's token does not open chunk B
        refused(put(OTHER, token(ID, "rwd")), 403, "EACCES");
        refused(call("GET", ID, TestKeys.token(NodeKeys.newClusterKey(), STRANGER, ID, "rwd")), 403, "EACCES");
        refused(put(ID, token(ID, "r")), 403, "EACCES"); // a read token does not write
        refused(call("DELETE", ID, token(ID, "r")), 403, "EACCES");
        refused(call("GET", ID, token(ID, "wd")), 403, "EACCES");
        refused(call("HEAD", ID, token(ID, "w")), 403, "EACCES");
        refused(call("GET", ID, token(ChunkTokens.STATUS_CHUNK, "s")), 403, "EACCES");
        assertThat(Files.exists(server.dataDir().resolve("chunks/01/" + ID))).as("not deleted").isTrue();
        assertThat(Files.exists(server.dataDir().resolve("chunks/ff/" + OTHER))).as("not written").isFalse();
    }

    @Test
    void aSyncNeedsAWriteTokenForEveryChunkItNames() throws IOException {
        assertThat(put(ID, token(ID, "w")).status()).isEqualTo(201);
        assertThat(put(OTHER, token(OTHER, "w")).status()).isEqualTo(201);
        String ids = "\"chunkIds\":[\"" + ID + "\",\"" + OTHER + "\"]";
        refused(sync("{" + ids + "}"), 401, "EAUTH");
        refused(sync("{}"), 401, "EAUTH");
        refused(sync("{" + ids + ",\"tokens\":[\"" + token(ID, "w") + "\",\"" + token(OTHER, "r") + "\"]}"),
                403, "EACCES");
        refused(sync("{" + ids + ",\"tokens\":[\"" + token(ID, "w") + "\",\"" + token(ID, "w") + "\"]}"),
                403, "EACCES");
        refused(sync("{" + ids + ",\"tokens\":[\"" + token(ID, "w") + "\",\"forged\"]}"), 401, "EAUTH");
        RawHttp.Reply ok = sync("{" + ids + ",\"tokens\":[\"" + token(ID, "w") + "\",\"" + token(OTHER, "rw") + "\"]}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void metricsAndTheStatusPageOpenToAStatusTokenOrAMetricsTokenTheMasterNamed() throws Exception {
        refused(send(server, "GET", "/metrics", null, new byte[0]), 401, "EAUTH");
        refused(send(server, "GET", "/metrics", ChunkTokens.header(token(ID, "rwd")), new byte[0]), 403, "EACCES");
        RawHttp.Reply byStatus = send(server, "GET", "/metrics", ChunkTokens.header(token(ChunkTokens.STATUS_CHUNK, "s")),
                new byte[0]);
        assertThat(byStatus.status()).isEqualTo(200);
        assertThat(byStatus.headers()).containsIgnoringCase("text/plain");
        assertThat(byStatus.body()).contains("cairn_datanode_disk_bytes{kind=\"capacity\"}")
                .contains("cairn_http_request_duration_seconds_bucket").contains("jvm_memory_used_bytes");

        String metricsToken = io.cairn.common.security.Tokens.newToken(io.cairn.common.security.Tokens.CLIENT_PREFIX);
        String other = io.cairn.common.security.Tokens.newToken(io.cairn.common.security.Tokens.CLIENT_PREFIX);
        refused(send(server, "GET", "/metrics", "Bearer " + metricsToken, new byte[0]), 401, "EAUTH");
        master.monitorTokens(List.of(io.cairn.common.security.Tokens.hash(metricsToken)));
        Eventually.await("a heartbeat reply names the metrics token", Duration.ofSeconds(10),
                () -> send(server, "GET", "/metrics", "Bearer " + metricsToken, new byte[0]).status(), st -> st == 200);
        refused(send(server, "GET", "/metrics", "Bearer " + other, new byte[0]), 401, "EAUTH");

        // the page: a login form without a token or with a wrong one; the node with the token, from a cookie too
        RawHttp.Reply form = send(server, "GET", "/", null, new byte[0]);
        assertThat(form.status()).isEqualTo(401);
        assertThat(form.body()).contains("<form method=\"post\" action=\"/login\"").doesNotContain(server.nodeId());
        RawHttp.Reply wrong = RawHttp.send(server.port(), "POST /login HTTP/1.1\r\nContent-Type: "
                + "application/x-www-form-urlencoded\r\nContent-Length: " + ("token=" + other).length(),
                ("token=" + other).getBytes(StandardCharsets.UTF_8));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.headers()).doesNotContainIgnoringCase("Set-Cookie");
        String login = "token=" + metricsToken;
        RawHttp.Reply in = RawHttp.send(server.port(), "POST /login HTTP/1.1\r\nContent-Type: "
                + "application/x-www-form-urlencoded\r\nContent-Length: " + login.length(),
                login.getBytes(StandardCharsets.UTF_8));
        assertThat(in.status()).isEqualTo(303);
        assertThat(in.headers()).contains("Set-Cookie: cairn_token=" + metricsToken + "; Path=/; HttpOnly; SameSite=Strict");
        RawHttp.Reply page = RawHttp.send(server.port(), "GET / HTTP/1.1\r\nCookie: cairn_token=" + metricsToken,
                new byte[0]);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains(server.nodeId()).contains("http-equiv=\"refresh\"").contains("scrub-passes");

        master.monitorTokens(List.of()); // revoked: the next heartbeat takes it away
        Eventually.await("the revoked token stops working", Duration.ofSeconds(10),
                () -> send(server, "GET", "/metrics", "Bearer " + metricsToken, new byte[0]).status(), st -> st == 401);
    }

    @Test
    void theStatusNeedsAStatusTokenAndTheHealthCheckNone() throws IOException {
        refused(send(server, "GET", "/api/v1/status", null, new byte[0]), 401, "EAUTH");
        refused(send(server, "GET", "/api/v1/status", ChunkTokens.header(token(ID, "rwd")), new byte[0]),
                403, "EACCES");
        RawHttp.Reply status = send(server, "GET", "/api/v1/status",
                ChunkTokens.header(token(ChunkTokens.STATUS_CHUNK, "s")), new byte[0]);
        assertThat(status.status()).isEqualTo(200);
        assertThat(Json.mapper().readTree(status.body()).get("nodeId").asText()).isEqualTo(server.nodeId());
        RawHttp.Reply health = send(server, "GET", "/healthz", null, new byte[0]);
        assertThat(health.status()).isEqualTo(200);
        assertThat(Json.mapper().readTree(health.body()).fieldNames()).toIterable().containsExactly("ok");
    }

    @Test
    void aDatanodeThatHasNotEnrolledDoesNotStartAndSaysHowToEnroll() {
        Path dir = tmp.resolve("keyless");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DatanodeServer.start(new DatanodeConfig("127.0.0.1", 0,
                        dir, master.url(), null, Duration.ofMillis(100), 0, 0, Clock.systemUTC())))
                .hasMessageContaining("has not enrolled").hasMessageContaining("--join-token-file")
                .hasMessageContaining("cairn admin join-token");
        assertThat(dir.resolve("node.key")).doesNotExist();
    }

    /** Every route but the health check refuses a caller without a token: a route added without a check fails here. */
    @Test
    void everyRouteButTheHealthCheckRefusesARequestWithoutAToken() throws IOException {
        List<Route> routes = server.routes();
        assertThat(routes).extracting(r -> r.method() + " " + r.path()).contains("GET /healthz",
                "PUT /api/v1/chunks/{id}", "POST /api/v1/sync", "GET /api/v1/status");
        for (Route r : routes) {
            String name = r.method() + " " + r.path();
            if (r.path().equals(HealthRoute.PATH)) { // GET, and the HEAD made for it
                assertThat(r.guard()).isSameAs(Guard.OPEN);
                continue;
            }
            if (r.group().equals("page")) { // open, as it answers a login form; it shows nothing without a token
                assertThat(r.guard()).isSameAs(Guard.OPEN);
                continue;
            }
            assertThat(r.guard()).as(name).isNotSameAs(Guard.OPEN);
            String target = r.path().replace("{id}", ID) + (r.method().equals("PUT") ? "?crc32c=0" : "");
            byte[] body = r.method().equals("POST") ? "{}".getBytes(StandardCharsets.UTF_8) : new byte[0];
            refused(send(server, r.method(), target, null, body), 401, "EAUTH");
            refused(send(server, r.method(), target, "CairnChunk ", body), 401, "EAUTH");
        }
    }
}
