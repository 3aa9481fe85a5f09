package io.cairn.master.http;

import io.cairn.master.Callers;
import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The master's API over real sockets answers bad input with a 4xx and the JSON error body, and changes nothing. */
@Timeout(60)
class MasterApiTest {
    private static final MediaType JSON = MediaType.get("application/json");
    @TempDir
    Path dir;
    MasterServer master;
    OkHttpClient http;

    @BeforeEach
    void start() throws Exception {
        master = MasterServer.start(MasterConfig.defaults(dir).withPort(0));
        Raw.authorize(master.port(), Callers.adminHeader(master));
        http = client(Callers.admin(master));
    }

    private static OkHttpClient client(io.cairn.common.client.Credentials c) {
        return new OkHttpClient.Builder().addInterceptor(chain -> chain.proceed(c.apply(chain.request()))).build();
    }

    @AfterEach
    void stop() {
        master.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private record Reply(int status, JsonNode body) {
        String code() {
            return body.path("code").asText();
        }
    }

    private Reply send(Request r) throws Exception {
        try (Response resp = http.newCall(r).execute()) {
            String text = resp.body().string();
            return new Reply(resp.code(), Json.mapper().readTree(text));
        }
    }

    private Reply post(String route, String body) throws Exception {
        return send(new Request.Builder().url(master.url() + route).post(RequestBody.create(body, JSON)).build());
    }

    /** A POST signed as datanode {@code nodeId} (enrolled first). */
    private Reply postAsNode(String nodeId, String route, String body) throws Exception {
        OkHttpClient node = client(Callers.node(master, nodeId));
        try (Response resp = node.newCall(new Request.Builder().url(master.url() + route)
                .post(RequestBody.create(body, JSON)).build()).execute()) {
            return new Reply(resp.code(), Json.mapper().readTree(resp.body().string()));
        } finally {
            node.dispatcher().executorService().shutdown();
            node.connectionPool().evictAll();
        }
    }

    private Reply get(String routeAndQuery) throws Exception {
        return send(new Request.Builder().url(master.url() + routeAndQuery).get().build());
    }

    @Test
    void eventsAreAskedForAfterANonNegativeIdInPagesOfAtMostAThousand() throws Exception {
        master.events().record("node.dead", "n1", null, "datanode n1 is dead");
        Reply ok = get("/api/v1/events");
        assertThat(ok.status()).isEqualTo(200);
        JsonNode first = ok.body().path("events").get(0);
        assertThat(first.path("kind").asText()).isEqualTo("node.dead");
        assertThat(first.path("node").asText()).isEqualTo("n1");
        assertThat(first.path("chunk").isNull()).isTrue();
        long id = first.path("id").asLong();
        assertThat(get("/api/v1/events?after=" + id + "&limit=1000").body().path("events").size()).isZero();
        assertThat(get("/api/v1/events?after=-1").code()).isEqualTo("EINVAL");
        assertThat(get("/api/v1/events?after=x").code()).isEqualTo("EINVAL");
        assertThat(get("/api/v1/events?limit=1001").code()).isEqualTo("EINVAL");
        assertThat(get("/api/v1/events?limit=0").status()).isEqualTo(400);
    }

    @Test
    void malformedJsonIsABadRequest() throws Exception {
        Reply r = post("/api/v1/fs/mkdir", "{\"path\": ");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("EINVAL");
        assertThat(post("/api/v1/fs/mkdir", "").code()).isEqualTo("EINVAL");
        assertThat(post("/api/v1/fs/mkdir", "[1,2]").status()).isEqualTo(400);
    }

    @Test
    void unknownRoutesAnswerWithTheJsonErrorBody() throws Exception {
        Reply r = get("/api/v1/nope");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.code()).isEqualTo("ENOSYS");
        assertThat(get("/nope").code()).isEqualTo("ENOSYS");
    }

    @Test
    void aMissingPathIsENOENTNotAMissingRoute() throws Exception {
        Reply r = get("/api/v1/fs/attr?path=/missing");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.code()).isEqualTo("ENOENT");
        assertThat(r.body().path("message").asText()).contains("/missing");
    }

    @Test
    void badNamesAndPathsAreRefused() throws Exception {
        assertThat(post("/api/v1/fs/mkdir", "{\"path\":\"/a/../b\"}").code()).isEqualTo("EINVAL");
        assertThat(post("/api/v1/fs/mkdir", "{\"path\":\"/a/./b\"}").code()).isEqualTo("EINVAL");
        assertThat(post("/api/v1/fs/mkdir", "{\"path\":\"/nul\\u0000\"}").code()).isEqualTo("EINVAL");
        Reply longName = post("/api/v1/fs/mkdir", "{\"path\":\"/" + "n".repeat(256) + "\"}");
        assertThat(longName.code()).as(longName.body().toString()).isEqualTo("ENAMETOOLONG");
        assertThat(post("/api/v1/fs/mkdir", "{\"path\":\"" + "/d".repeat(2049) + "\"}").code()).isEqualTo("ENAMETOOLONG");
        assertThat(get("/api/v1/fs/attr?path=/%FF%FE").code()).isEqualTo("EINVAL");
        assertThat(get("/api/v1/fs/attr?path=%2e%2e%2f%2e%2e%2fetc%2fpasswd").code()).isEqualTo("EINVAL");
        assertThat(get("/api/v1/fs/list?path=/").body().path("entries").size()).as("nothing was created").isZero();
    }

    @Test
    void oversizedBodiesAreRefused() throws Exception {
        String big = "{\"path\":\"/x\",\"pad\":\"" + "a".repeat(9 << 20) + "\"}";
        Reply r = post("/api/v1/fs/mkdir", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.code()).isEqualTo("EFBIG");
    }

    @Test
    void badChunkIdsInACommitAreRefused() throws Exception {
        long inode = post("/api/v1/fs/create", "{\"path\":\"/f\",\"exclusive\":true}").body().path("inode").asLong();
        for (String id : new String[] {"../x", "/etc/passwd", "%2e%2e%2f", "ABCDEF0123456789ABCDEF0123456789"}) {
            Reply r = post("/api/v1/fs/commit", "{\"inode\":" + inode + ",\"size\":1,\"chunks\":[{\"index\":0,\"id\":\""
                    + id + "\",\"size\":1,\"length\":1,\"crc32c\":0,\"replicas\":[\"00000000-0000-0000-0000-000000000001\"]}]}");
            assertThat(r.status()).as(id).isEqualTo(400);
            assertThat(r.code()).isEqualTo("EINVAL");
        }
    }

    @Test
    void aDatanodeOfAnotherClusterIsRefused() throws Exception {
        String id = "00000000-0000-0000-0000-000000000001";
        Reply r = postAsNode(id, "/api/v1/nodes/register", "{\"nodeId\":\"" + id + "\","
                + "\"clusterId\":\"someone-else\",\"address\":\"http://127.0.0.1:6000\",\"capacity\":1,\"used\":0,\"chunks\":0}");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo("ECLUSTER");
        assertThat(r.body().path("message").asText()).contains("someone-else").contains(master.clusterId());
        // a node speaks only for the id its key signs for: a bad id in the body is refused before it is read
        Reply bad = postAsNode(id, "/api/v1/nodes/register", "{\"nodeId\":\"../../x\",\"address\":\"http://h:1\",\"capacity\":1,\"used\":0,\"chunks\":0}");
        assertThat(bad.code()).isEqualTo("EACCES");
    }

    @Test
    void allocationWithoutLiveDatanodesSaysSoClearly() throws Exception {
        long inode = post("/api/v1/fs/create", "{\"path\":\"/f\",\"exclusive\":true}").body().path("inode").asLong();
        Reply r = post("/api/v1/fs/allocate", "{\"inode\":" + inode + "}");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.code()).isEqualTo("ENONODES");
        assertThat(r.body().path("message").asText()).contains("no live datanode");
    }

    @Test
    void theClusterIdIsKeptAcrossRestarts() throws Exception {
        String id = master.clusterId();
        master.close();
        master = MasterServer.start(MasterConfig.defaults(dir).withPort(0));
        Raw.authorize(master.port(), Callers.adminHeader(master));
        assertThat(master.clusterId()).isEqualTo(id);
    }
}
