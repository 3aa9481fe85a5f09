package io.cairn.datanode.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.checksum.BlockSums;
import io.cairn.common.checksum.Crc32c;
import io.cairn.common.client.Http;
import io.cairn.common.json.Json;
import io.cairn.common.security.ChunkTokens;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.datanode.DatanodeServer;
import io.cairn.datanode.Enrolled;
import io.cairn.datanode.testing.FakeMaster;
import io.cairn.datanode.testing.TestKeys;
import io.cairn.testing.Eventually;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * GET of a chunk with {@code Range: bytes=FIRST-LAST}: the blocks asked for and the CRC32C of each,
 * every block checked against the sidecar before it is sent; a bad one cuts the reply short and
 * makes the chunk bad, reported to the master as the scrubber reports what it finds.
 */
@Timeout(60)
class RangedReadTest {
    static final String ID = "0123456789abcdef0123456789abcdef";
    static final int BLOCK = BlockSums.BLOCK;
    /** Five whole blocks and a short one. */
    static final int SIZE = 5 * BLOCK + 1000;

    @TempDir
    Path tmp;
    FakeMaster master;
    DatanodeServer server;
    Http http;
    byte[] key;
    byte[] data;

    @BeforeEach
    void start() throws IOException {
        master = new FakeMaster("cluster-1");
        http = new Http(Duration.ofSeconds(30));
        key = TestKeys.provision(tmp.resolve("data"));
        int reports = master.reports.size();
        server = DatanodeServer.start(new DatanodeConfig("127.0.0.1", 0, Enrolled.dir(tmp.resolve("data")),
                master.url(), null, Duration.ofMillis(100), 0, 0, Clock.systemUTC()));
        Eventually.await("the datanode reported to the master", () -> master.reports.size() > reports);
        data = random(SIZE, 1);
        put(ID, data);
    }

    @AfterEach
    void stop() {
        server.close();
        master.close();
        http.client().dispatcher().executorService().shutdown();
        http.client().connectionPool().evictAll();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    String token(String ops) {
        return ChunkTokens.header(TestKeys.token(key, server.nodeId(), ID, ops));
    }

    void put(String id, byte[] b) throws IOException {
        try (Response r = http.client().newCall(new Request.Builder()
                .url(server.url() + "/api/v1/chunks/" + id + "?crc32c=" + Crc32c.of(b))
                .header("Authorization", ChunkTokens.header(TestKeys.token(key, server.nodeId(), id, "w")))
                .put(RequestBody.create(b, Http.OCTETS)).build()).execute()) {
            assertThat(r.code()).isEqualTo(201);
        }
    }

    Response get(String range) throws IOException {
        Request.Builder b = new Request.Builder().url(server.url() + "/api/v1/chunks/" + ID)
                .header("Authorization", token("r"));
        if (range != null) {
            b.header("Range", range);
        }
        return http.client().newCall(b.build()).execute();
    }

    Path chunkFile() {
        return server.dataDir().resolve("chunks/01/" + ID);
    }

    Path sidecar() {
        return server.dataDir().resolve("chunks/01/" + ID + ".crc");
    }

    /** Flips a bit of the chunk's file on disk at {@code at}. */
    void damage(int at) throws IOException {
        byte[] b = Files.readAllBytes(chunkFile());
        b[at] ^= 0x20;
        Files.write(chunkFile(), b);
    }

    /** Asserts a 206 of {@code data[first, first + length)} with its Content-Range and block sums. */
    void assertServes(String range, int first, int length) throws IOException {
        try (Response r = get(range)) {
            assertThat(r.code()).as(range).isEqualTo(206);
            assertThat(r.header("Content-Range")).as(range)
                    .isEqualTo("bytes " + first + "-" + (first + length - 1) + "/" + SIZE);
            assertThat(r.header("Content-Length")).as(range).isEqualTo(Integer.toString(length));
            String sums = r.header(BlockSums.HEADER);
            assertThat(sums).as(range).isEqualTo(BlockSums.format(BlockSums.of(data, first, length)));
            byte[] body = r.body().bytes();
            assertThat(body).as(range).isEqualTo(Arrays.copyOfRange(data, first, first + length));
            // what a reader does with them: every block it got is the one the sums name
            assertThat(BlockSums.firstBad(body, body.length, BlockSums.parse(sums, BlockSums.count(length)))).isEqualTo(-1);
        }
    }

    static JsonNode errorOf(Response r) throws IOException {
        assertThat(r.header("Content-Type")).contains("application/json");
        return Json.mapper().readTree(r.body().string());
    }

    @Test
    void aRangedGetServesExactlyTheBlocksAskedForWithTheirSums() throws IOException {
        assertServes("bytes=0-65535", 0, BLOCK);
        assertServes("bytes=65536-262143", BLOCK, 3 * BLOCK);
        assertServes("bytes=327680-328679", 5 * BLOCK, 1000);
        assertServes("bytes=327680-999999999", 5 * BLOCK, 1000);
        assertServes("bytes=0-" + (SIZE - 1), 0, SIZE);
        assertServes("bytes=131072-", 2 * BLOCK, SIZE - 2 * BLOCK);
        assertServes("Bytes=0-65535", 0, BLOCK);
    }

    @Test
    void aGetWithoutRangeIsTheWholeChunkAsBeforeAndHeadIgnoresRange() throws IOException {
        try (Response r = get(null)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Range")).isNull();
            assertThat(r.header(BlockSums.HEADER)).isNull();
            assertThat(r.body().bytes()).isEqualTo(data);
        }
        try (Response r = http.client().newCall(new Request.Builder().url(server.url() + "/api/v1/chunks/" + ID)
                .header("Authorization", token("r")).header("Range", "bytes=0-65535").head().build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(SIZE));
        }
    }

    @Test
    void aRangeNotInWholeBlocksIsRefusedWith400() throws IOException {
        for (String range : List.of("bytes=1-65535", "bytes=0-100", "bytes=65536-65537", "bytes=0-65536",
                "bytes=327681-", "bytes=100-")) {
            try (Response r = get(range)) {
                assertThat(r.code()).as(range).isEqualTo(400);
                JsonNode e = errorOf(r);
                assertThat(e.get("code").asText()).as(range).isEqualTo("EINVAL");
                assertThat(e.get("message").asText()).as(range).contains("whole blocks");
            }
        }
    }

    @Test
    void aMalformedRangeIsRefusedWith400NamingTheExpectedForm() throws IOException {
        for (String range : List.of("", "bytes=", "bytes=abc", "bytes=-65536", "bytes=0-65535,65536-131071",
                "bytes 0-65535", "items=0-65535", "bytes=65535-0", "bytes=0x0-65535", "bytes=+0-65535",
                "bytes=99999999999999999999-", "bytes=9223372036854775808-", "bytes=0-65535 ;x", "bytes==0-1",
                "bytes=0-" + "9".repeat(60))) {
            try (Response r = get(range)) {
                assertThat(r.code()).as(range).isEqualTo(400);
                JsonNode e = errorOf(r);
                assertThat(e.get("code").asText()).as(range).isEqualTo("EINVAL");
                assertThat(e.get("message").asText()).as(range).contains("bytes=FIRST-LAST");
            }
        }
        try (Response r = http.client().newCall(new Request.Builder().url(server.url() + "/api/v1/chunks/" + ID)
                .header("Authorization", token("r")).addHeader("Range", "bytes=0-65535")
                .addHeader("Range", "bytes=65536-131071").build()).execute()) {
            assertThat(r.code()).as("two Range headers").isEqualTo(400);
        }
    }

    @Test
    void aRangeStartingAtOrPastTheEndIsRefusedWith416() throws IOException {
        for (String range : List.of("bytes=" + SIZE + "-", "bytes=393216-393217", "bytes=9223372036854775807-")) {
            try (Response r = get(range)) {
                assertThat(r.code()).as(range).isEqualTo(416);
                assertThat(r.header("Content-Range")).isEqualTo("bytes */" + SIZE);
                assertThat(errorOf(r).get("code").asText()).isEqualTo("EINVAL");
            }
        }
    }

    @Test
    void aRangedGetNeedsAReadToken() throws IOException {
        for (String auth : List.of("", token("w"))) {
            Request.Builder b = new Request.Builder().url(server.url() + "/api/v1/chunks/" + ID).header("Range", "bytes=0-65535");
            if (!auth.isEmpty()) {
                b.header("Authorization", auth);
            }
            try (Response r = http.client().newCall(b.build()).execute()) {
                assertThat(r.code()).isEqualTo(auth.isEmpty() ? 401 : 403);
                assertThat(r.header(BlockSums.HEADER)).isNull();
            }
        }
    }

    @Test
    void aChunkWithAVersion1SidecarGetsAVersion2OneOnItsFirstRangedGet() throws IOException {
        String v1 = "size=" + SIZE + " crc32c=" + Crc32c.of(data) + "\n";
        Files.writeString(sidecar(), v1); // as an older datanode wrote it
        assertServes("bytes=65536-131071", BLOCK, BLOCK);
        StringBuilder v2 = new StringBuilder("version=2\nsize=" + SIZE + " crc32c=" + Crc32c.of(data) + "\n");
        for (long s : BlockSums.of(data, 0, SIZE)) {
            v2.append(s).append('\n');
        }
        assertThat(Files.readString(sidecar())).as("the sidecar on disk").isEqualTo(v2.toString());
        assertServes("bytes=0-" + (SIZE - 1), 0, SIZE);
        assertThat(master.badIds()).isEmpty();
    }

    @Test
    void aChunkThatDoesNotMatchItsVersion1SidecarIs422AndReportedBad() throws IOException {
        String v1 = "size=" + SIZE + " crc32c=" + Crc32c.of(data) + "\n";
        Files.writeString(sidecar(), v1);
        damage(4 * BLOCK + 3);
        try (Response r = get("bytes=0-65535")) {
            assertThat(r.code()).isEqualTo(422);
            assertThat(errorOf(r).get("code").asText()).isEqualTo("EBADMSG");
        }
        assertThat(Files.readString(sidecar())).as("not upgraded").isEqualTo(v1);
        Eventually.await("the chunk reported bad", () -> master.badIds().contains(ID));
        assertThat(chunkFile()).as("nothing is deleted but by the master's order").exists();
    }

    @Test
    void aChunkWithoutASidecarIsSentWholeWith200() throws IOException {
        Files.delete(sidecar());
        try (Response r = get("bytes=65536-131071")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Range")).isNull();
            assertThat(r.header(BlockSums.HEADER)).isNull();
            assertThat(r.body().bytes()).isEqualTo(data);
        }
    }

    @Test
    void aDamagedBlockCutsTheRangedGetShortAndTheChunkIsReportedBad() throws IOException {
        damage(2 * BLOCK + 10);
        // What a client library sees: a 206 whose body ends before its Content-Length.
        try (Response r = get("bytes=0-262143")) {
            assertThat(r.code()).isEqualTo(206);
            assertThatThrownBy(() -> r.body().bytes()).isInstanceOf(IOException.class);
        }
        // What went over the wire: the good blocks before it, never the damaged one.
        Raw raw = raw("bytes=0-262143");
        assertThat(raw.head).startsWith("HTTP/1.1 206").containsIgnoringCase("Content-Length: 262144");
        assertThat(raw.body.length).isLessThan(4 * BLOCK).isLessThanOrEqualTo(2 * BLOCK);
        assertThat(raw.body).isEqualTo(Arrays.copyOf(data, raw.body.length));
        Eventually.await("the chunk reported bad", () -> master.badIds().contains(ID));
        assertThat(server.scrubbedBad()).isPositive();
        // the blocks before it are still served
        assertServes("bytes=0-131071", 0, 2 * BLOCK);
    }

    @Test
    void aDamagedFirstBlockIsAnsweredWith422() throws IOException {
        damage(3 * BLOCK);
        try (Response r = get("bytes=196608-327679")) {
            assertThat(r.code()).isEqualTo(422);
            assertThat(errorOf(r).get("code").asText()).isEqualTo("EBADMSG");
        }
        Eventually.await("the chunk reported bad", () -> master.badIds().contains(ID));
    }

    @Test
    void aRangeOfTheWholeOfALargestChunkCarriesAllItsBlockSums() throws IOException {
        // 1024 sums, about 11 KB: they must fit in the reply's header
        String big = "ab" + "0".repeat(30);
        byte[] b = random(BlockSums.MAX_BLOCKS * BLOCK, 2);
        put(big, b);
        try (Response r = http.client().newCall(new Request.Builder().url(server.url() + "/api/v1/chunks/" + big)
                .header("Authorization", ChunkTokens.header(TestKeys.token(key, server.nodeId(), big, "r")))
                .header("Range", "bytes=0-").build()).execute()) {
            assertThat(r.code()).isEqualTo(206);
            assertThat(r.header(BlockSums.HEADER)).isEqualTo(BlockSums.format(BlockSums.of(b, 0, b.length)));
            assertThat(r.body().bytes()).isEqualTo(b);
        }
    }

    /** A reply as it came over the socket: its head, and the body bytes until the server closed. */
    record Raw(String head, byte[] body) {
    }

    Raw raw(String range) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/v1/chunks/" + ID + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + token("r")
                    + "\r\nRange: " + range + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    all.write(buf, 0, n);
                }
            } catch (SocketException e) {
                // a reset is an end too
            }
            byte[] bytes = all.toByteArray();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            assertThat(end).as("a reply head").isPositive();
            return new Raw(text.substring(0, end), Arrays.copyOfRange(bytes, end + 4, bytes.length));
        }
    }
}
