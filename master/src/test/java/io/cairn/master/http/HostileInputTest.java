package io.cairn.master.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.json.Json;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.DirEntry;
import io.cairn.common.wire.FileType;
import io.cairn.master.Callers;
import io.cairn.server.Route;
import io.cairn.testing.Budget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of generated hostile requests against a real master and a real datanode: every route,
 * with missing, forged, malformed and too-weak credentials, malformed and oversized bodies,
 * traversal in paths, ids and names, random bytes and wrong methods. Every answer the HTTP layer
 * could parse is a 4xx with the JSON error body (never a 5xx, never a hang), except that a real
 * read-only or read-write token may read what it may; afterwards the namespace is what it was, no
 * file outside the data directories changed, and both servers still serve. 10,000 requests in CI; {@code bin/test --long} sends 100,000.
 */
@Timeout(600)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    private static final String[] NASTY = {"/../../etc/passwd", "/a/../b", "..", "/./x", "//x", "/x\u0000y", "x",
        "/" + "n".repeat(300), "/%2e%2e/%2e%2e", "/\uFFFD", "", "/a/b/c/d/e/f/g/../../../../../../..", "\\\\..\\\\x",
        "/proc/self/environ", "0000000000000000000000000000000g", "../" + "0".repeat(32), "-1", "9".repeat(40)};

    Path dir;
    BothServers servers;
    MasterClient admin;
    Http http;
    String readOnly;
    String readWrite;
    final Map<String, Integer> outcomes = new TreeMap<>();

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        servers = new BothServers(dir.resolve("cluster"));
        http = new Http(Duration.ofSeconds(10), Callers.admin(servers.master));
        admin = new MasterClient(http, servers.master.url());
        readOnly = admin.createToken("ro", "read-only", null).token();
        readWrite = admin.createToken("rw", "read-write", null).token();
        admin.mkdir("/d/e", null, null, null, true);
        admin.create("/d/f", FileType.FILE, 0644, 0, 0, null, true);
        admin.symlink("/d/l", "../etc/passwd", null, null);
        for (String canary : List.of("canary-a", "cluster/canary-b", "cluster/master-canary", "cluster/datanode-canary")) {
            Files.writeString(dir.resolve(canary), "canary " + canary + "\n");
        }
    }

    @AfterAll
    void stop() {
        System.out.println("hostile requests by outcome: " + outcomes);
        http.client().dispatcher().executorService().shutdown();
        http.client().connectionPool().evictAll();
        servers.close();
    }

    /** The namespace as text: every path with its type, mode, owner, size and link target. */
    private String dump() throws IOException {
        StringBuilder out = new StringBuilder();
        dump("/", out);
        return out.toString();
    }

    private void dump(String path, StringBuilder out) throws IOException {
        Attr a = admin.attr(path);
        out.append(path).append(' ').append(a.type()).append(' ').append(a.mode()).append(' ').append(a.uid()).append(' ')
                .append(a.gid()).append(' ').append(a.size()).append(' ').append(a.nlink()).append(' ').append(a.target())
                .append(' ').append(a.mtimeNs()).append('\n');
        if (a.isDir()) {
            for (DirEntry e : admin.listAll(path)) {
                dump(path.equals("/") ? "/" + e.name() : path + "/" + e.name(), out);
            }
        }
    }

    /** Every file outside the datanode's chunk store and the master's database, with its SHA-256. */
    private Map<String, String> filesOutsideTheData() throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString();
                if (rel.startsWith("cluster/datanode/chunks/") || rel.startsWith("cluster/datanode/tmp/")
                        || rel.startsWith("cluster/master/meta.db")) {
                    continue;
                }
                files.put(rel, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return files;
    }

    private String credentials(Random rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> null;
            case 1 -> "Authorization: Bearer " + readOnly;
            case 2 -> "Authorization: Bearer " + readWrite;
            case 3 -> "Authorization: Bearer cairn_" + HexFormat.of().formatHex(bytes(rnd, 32));
            case 4 -> "Authorization: Bearer " + readWrite.substring(0, readWrite.length() - 1);
            case 5 -> "Authorization: CairnNode " + servers.datanode.nodeId() + " " + System.currentTimeMillis() + " "
                    + "00".repeat(16) + " " + "A".repeat(43);
            case 6 -> "Authorization: " + new String(bytes(rnd, 40), StandardCharsets.ISO_8859_1).replaceAll("[\r\n]", "x");
            default -> "Authorization: Basic YWRtaW46YWRtaW4=";
        };
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static String quote(String s) {
        try {
            return Json.mapper().writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nasty(Random rnd) {
        return NASTY[rnd.nextInt(NASTY.length)];
    }

    /** Paths no rule accepts: relative, dot segments, NUL, too long, not UTF-8, empty. */
    private static final String[] INVALID_PATHS = {"/../../etc/passwd", "/a/../b", "..", "/./x", "x", "/" + "n".repeat(300),
        "/x\u0000y", "", "/\uFFFD", "\\..\\x", "/a/b/c/../../..", "../" + "0".repeat(32), "relative/path"};

    private static String invalidPath(Random rnd) {
        return INVALID_PATHS[rnd.nextInt(INVALID_PATHS.length)];
    }

    /**
     * A body no route should carry out: not JSON, the wrong JSON, or an invalid path, name or id in
     * every string that matters (a route whose body is all optional may still take it, harmlessly).
     */
    private byte[] body(Random rnd) {
        String p = quote(invalidPath(rnd));
        String s = switch (rnd.nextInt(9)) {
            case 0 -> new String(bytes(rnd, rnd.nextInt(200)), StandardCharsets.ISO_8859_1);
            case 1 -> "{\"path\": " + p + ", \"parents\": true, \"mode\": 511}";
            case 2 -> "{\"from\": \"/d/f\", \"to\": " + p + "}";
            case 3 -> "{\"existing\": \"/d/f\", \"path\": " + p + "}";
            case 4 -> "[1,2,3]";
            case 5 -> "{\"nodeId\": " + p + ", \"chunkIds\": [" + p + "]}";
            case 6 -> "{\"path\": " + p + ", \"name\": \"user.x\", \"value\": \"!!not base64!!\"}";
            case 7 -> "{\"name\": " + p + ", \"scope\": \"admin\"}";
            default -> "{\"inode\": -" + rnd.nextInt(1000) + ", \"size\": -1, \"chunks\": [{\"index\": -1, \"id\": " + p + "}]}";
        };
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String target(Random rnd, Route r) {
        String path = r.path().replace("{id}", nasty(rnd).replace("/", "%2F")).replace("{name}", nasty(rnd).replace("/", "%2F"));
        String q = switch (rnd.nextInt(4)) {
            case 0 -> "";
            case 1 -> "?path=" + encode(nasty(rnd));
            case 2 -> "?inode=" + encode(nasty(rnd)) + "&from=-5&limit=99999999&crc32c=x";
            default -> "?path=/d&after=" + encode(nasty(rnd)) + "&name=" + encode(nasty(rnd));
        };
        return path.replace(" ", "%20") + q;
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    record Answer(int status, String head, String body) {
    }

    /** Sends raw bytes on a fresh connection; the answer, or null when the server closed it without one. */
    private static Answer send(int port, byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
                s.shutdownOutput();
            } catch (IOException e) {
                // refused while sending (a body over the limit): the answer may still be there to read
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0 && got.size() < (1 << 20); ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer within 10 s to " + new String(request, 0,
                        Math.min(200, request.length), StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // reset after the answer: what was read counts
            }
            String text = got.toString(StandardCharsets.ISO_8859_1);
            if (text.isEmpty()) {
                return null;
            }
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String body = end < 0 ? "" : text.substring(end + 4);
            return new Answer(Integer.parseInt(head.substring(9, 12)), head, body);
        }
    }

    @Test
    void hostileRequestsGetA4xxWithTheJsonErrorBodyAndChangeNothing() throws Exception {
        String namespaceBefore = dump();
        Map<String, String> filesBefore = filesOutsideTheData();
        List<Route[]> routes = new ArrayList<>();
        // every guarded route (an open one, the health check, may answer 200)
        servers.master.routes().stream().filter(r -> r.guard() != io.cairn.server.Guard.OPEN)
                .forEach(r -> routes.add(new Route[] {r, null}));
        servers.datanode.routes().stream().filter(r -> r.guard() != io.cairn.server.Guard.OPEN)
                .forEach(r -> routes.add(new Route[] {null, r}));
        System.out.println("hostile requests across " + routes.size() + " guarded routes");
        String[] methods = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "TRACE", "G\u00e9T", "CONNECT"};
        int n = Budget.of(10_000, 100_000);
        Random rnd = new Random(12);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Route[] pick = routes.get(rnd.nextInt(routes.size()));
            Route r = pick[0] != null ? pick[0] : pick[1];
            int port = pick[0] != null ? servers.master.port() : servers.datanode.port();
            String method = rnd.nextInt(5) == 0 ? methods[rnd.nextInt(methods.length)] : r.method();
            byte[] body = r.takesBody() || rnd.nextInt(10) == 0 ? body(rnd) : new byte[0];
            boolean oversized = rnd.nextInt(50) == 0;
            StringBuilder head = new StringBuilder(method + " " + target(rnd, r) + " HTTP/1.1\r\nHost: x\r\nConnection: close");
            String creds = credentials(rnd);
            boolean validToken = creds != null && (creds.endsWith(readOnly) || creds.endsWith(readWrite));
            if (creds != null) {
                head.append("\r\n").append(creds);
            }
            head.append("\r\nContent-Type: application/json");
            head.append("\r\nContent-Length: ").append(oversized ? r.bodyLimit() + 1 + rnd.nextInt(1000) : body.length);
            if (rnd.nextInt(20) == 0) {
                head.append("\r\nCairn-Request: ").append(nasty(rnd));
            }
            if (rnd.nextInt(20) == 0) {
                head.append("\r\nCairn-Wire-Version: ").append(nasty(rnd));
            }
            byte[] h = (head + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] req = new byte[h.length + body.length];
            System.arraycopy(h, 0, req, 0, h.length);
            System.arraycopy(body, 0, req, h.length, body.length);
            if (rnd.nextInt(100) == 0) {
                req = bytes(rnd, 1 + rnd.nextInt(300)); // not HTTP at all
            }
            Answer a = send(port, req);
            String what = new String(req, 0, Math.min(300, req.length), StandardCharsets.ISO_8859_1);
            if (a == null) {
                outcomes.merge("closed", 1, Integer::sum);
                continue;
            }
            if (validToken && a.status() < 300 && !r.group().equals("tokens") && !r.group().equals("admin")) {
                // a real token may read, and a body a route can take is harmless here: the namespace
                // and the files are checked below
                outcomes.merge(a.status() + " with a real token: " + method + " " + r.path(), 1, Integer::sum);
                continue;
            }
            assertThat(a.status()).as("answer to %s:%n%s", what, a.body()).isBetween(400, 499);
            if (method.equals("HEAD")) {
                outcomes.merge(a.status() + " to HEAD (no body)", 1, Integer::sum);
            } else if (a.head().toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json")) {
                JsonNode err = Json.mapper().readTree(a.body());
                assertThat(err.path("code").asText()).as(what).isNotBlank();
                assertThat(err.path("message").asText()).as(what).isNotBlank();
                outcomes.merge(a.status() + " " + err.path("code").asText(), 1, Integer::sum);
            } else {
                assertThat(a.status()).as("a non-JSON answer is a bare 400 (%s)", what).isIn(400, 405, 413, 414, 431, 505);
                outcomes.merge(a.status() + " bare", 1, Integer::sum);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%,d hostile requests in %.1f s%n", n, secs);
        assertThat(dump()).as("the namespace is what it was").isEqualTo(namespaceBefore);
        assertThat(filesOutsideTheData()).as("no file outside the data directories changed").isEqualTo(filesBefore);
        assertThat(admin.status().clusterId()).isEqualTo(servers.master.clusterId());
        assertThat(admin.attr("/d/f").isFile()).isTrue();
        assertThat(outcomes.keySet()).as("the refusals came from every layer").anyMatch(k -> k.contains("EAUTH"))
                .anyMatch(k -> k.contains("EACCES")).anyMatch(k -> k.contains("EINVAL"));
    }
}
