package io.cairn.datanode.crash;

import io.cairn.datanode.Enrolled;
import io.cairn.common.security.ChunkTokens;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.SecretFile;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.datanode.DatanodeServer;
import io.cairn.datanode.testing.TestKeys;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A datanode in a process of its own (this test classpath, {@link #main}), so that a test can kill it
 * with SIGKILL as a crash would, then start another on the same data directory.
 */
final class ChildDatanode implements AutoCloseable {
    private static final String LISTENING = "LISTENING ";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final String url;
    private final byte[] key;
    private final String nodeId;

    private ChildDatanode(Process process, String url, byte[] key, String nodeId) {
        this.process = process;
        this.url = url;
        this.key = key;
        this.nodeId = nodeId;
    }

    /** The Authorization header with a token for {@code ops} on {@code chunkId} of this datanode. */
    private String auth(String chunkId, String ops) {
        return ChunkTokens.header(TestKeys.token(key, nodeId, chunkId, ops));
    }

    /** Runs a datanode on {@code dir}, reporting to {@code masterUrl}; prints where it listens. */
    public static void main(String[] args) throws Exception {
        DatanodeConfig c = new DatanodeConfig("127.0.0.1", 0, Enrolled.dir(Path.of(args[0])), args[1], null,
                Duration.ofMillis(200), 0, 0, Clock.systemUTC()).withScrub(0, Duration.ofHours(1));
        DatanodeServer s = DatanodeServer.start(c);
        System.out.println(LISTENING + s.url());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until killed
    }

    /** Starts a datanode process on {@code dir} and waits (at most 30 s) until it listens. */
    static ChildDatanode start(Path dir, String masterUrl, Path log) throws IOException, InterruptedException {
        String kept = SecretFile.readIfPresent(dir.resolve("node.key"));
        byte[] key = kept == null ? TestKeys.provision(dir) : NodeKeys.fromText(kept);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                ChildDatanode.class.getName(), dir.toString(), masterUrl)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    if (line.startsWith(LISTENING)) {
                        return new ChildDatanode(p, line.substring(LISTENING.length()).trim(), key,
                                Files.readString(dir.resolve("node-id")).trim());
                    }
                }
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IOException("the datanode process did not start: " + Files.readString(log));
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no close, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the datanode process outlived SIGKILL for 30 s");
        }
    }

    /** PUT of a chunk; returns the status. */
    int put(String id, byte[] b, long crc, boolean sync) throws IOException, InterruptedException {
        String target = url + "/api/v1/chunks/" + id + "?crc32c=" + crc + (sync ? "" : "&sync=false");
        return HTTP.send(HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(20))
                .header("Authorization", auth(id, "w")).PUT(HttpRequest.BodyPublishers.ofByteArray(b)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    HttpResponse<byte[]> get(String id) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/chunks/" + id)).timeout(Duration.ofSeconds(20))
                .header("Authorization", auth(id, "r")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> status() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/status")).timeout(Duration.ofSeconds(20))
                .header("Authorization", auth(ChunkTokens.STATUS_CHUNK, "s")).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A sync of {@code ids}, with a write token for each. */
    String syncBody(List<String> ids) {
        List<String> tokens = ids.stream().map(id -> TestKeys.token(key, nodeId, id, "w")).toList();
        return "{\"chunkIds\":[\"" + String.join("\",\"", ids) + "\"],\"tokens\":[\"" + String.join("\",\"", tokens)
                + "\"]}";
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
