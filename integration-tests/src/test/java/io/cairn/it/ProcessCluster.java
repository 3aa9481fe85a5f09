package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import io.cairn.testing.Eventually;
import io.cairn.testing.TcpProxy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster of real OS processes started through bin/cairn: a master and N datanodes on ports the
 * kernel picks (each prints the URL it got), so tests can kill -9 any of them, or stop them with
 * SIGSTOP ({@link Proc#signal}).
 *
 * <p>{@link #linked}: every datanode advertises a {@link TcpProxy} in the test's JVM
 * ({@link #datanodeLink(int)}) instead of its own port, so that clients and the other datanodes
 * reach it only through that proxy, which a test can block or slow down; the datanodes reach the
 * master directly.
 *
 * <p>{@link #tls}: the master and every datanode serve HTTPS with certificates {@code cairn admin
 * tls init} made for {@code localhost,127.0.0.1}, and every command run here trusts that CA through
 * {@code $CAIRN_TLS_CA} ({@link #caFile()}).
 */
public final class ProcessCluster implements AutoCloseable {
    public static final Duration START = Duration.ofSeconds(60);
    private final Path dir;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> masterArgs;
    private Proc master;
    private String masterUrl;
    private int masterPort;
    private final List<Proc> datanodes = new ArrayList<>();
    private final List<TcpProxy> links = new ArrayList<>();
    private int restarts;
    /** The TLS arguments of the master and every datanode; empty for plain HTTP. */
    private final List<String> tlsArgs = new ArrayList<>();

    public ProcessCluster(Path dir, String javaOpts, int datanodes, String... masterArgs) throws Exception {
        this(dir, javaOpts, datanodes, false, false, masterArgs);
    }

    /** A cluster that speaks only HTTPS, with its own CA (see the class comment). */
    public static ProcessCluster tls(Path dir, String javaOpts, int datanodes, String... masterArgs) throws Exception {
        return new ProcessCluster(dir, javaOpts, datanodes, false, true, masterArgs);
    }

    /** A cluster whose datanodes are each reached through a proxy of their own (see the class comment). */
    public static ProcessCluster linked(Path dir, String javaOpts, int datanodes, String... masterArgs)
            throws Exception {
        return new ProcessCluster(dir, javaOpts, datanodes, true, false, masterArgs);
    }

    private ProcessCluster(Path dir, String javaOpts, int datanodes, boolean linked, boolean tls, String... masterArgs)
            throws Exception {
        this.dir = dir;
        if (javaOpts != null) {
            env.put("CAIRN_JAVA_OPTS", javaOpts);
        }
        this.masterArgs = List.of(masterArgs);
        try {
            if (tls) {
                // cairn admin tls init DIR/tls --host localhost,127.0.0.1
                Proc.Result r = Proc.run(dir.resolve("logs"), env, Duration.ofSeconds(60), "admin", "tls", "init",
                        dir.resolve("tls").toString(), "--host", "localhost,127.0.0.1");
                if (r.exit() != 0) {
                    throw new AssertionError("cairn admin tls init failed: " + r.stderr());
                }
                tlsArgs.addAll(List.of("--tls-cert", dir.resolve("tls/localhost.pem").toString(), "--tls-key",
                        dir.resolve("tls/localhost.key").toString()));
                env.put("CAIRN_TLS_CA", caFile().toString());
            }
            startMaster(0);
            for (int i = 0; i < datanodes; i++) {
                List<String> args = new ArrayList<>(List.of("datanode", "--port", "0", "--data",
                        dir.resolve("dn" + i).toString(), "--master", masterUrl, "--heartbeat", "500ms",
                        "--join-token-file", joinToken(i).toString()));
                args.addAll(tlsArgs);
                TcpProxy link = null;
                if (linked) {
                    link = TcpProxy.untargeted();
                    links.add(link);
                    args.addAll(List.of("--advertise", link.url()));
                }
                Proc d = Proc.start(dir.resolve("logs"), "datanode" + i, env, args.toArray(String[]::new));
                this.datanodes.add(d);
                d.awaitStderr("cairn datanode: \\S+ at (https?://\\S+),", START);
                if (link != null) {
                    link.target("127.0.0.1", listeningPort(d.pid()));
                }
            }
            awaitLive(datanodes, START);
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    /** The one TCP port process {@code pid} listens on (a datanode prints the URL it advertises, not its port). */
    private static int listeningPort(long pid) throws Exception {
        Proc.Result r = Proc.runCommand(List.of("ss", "-Hltnp"), Duration.ofSeconds(10));
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile(":(\\d+)\\s+\\S+\\s+users:\\(.*pid=" + pid + ",").matcher(r.stdout());
        List<Integer> ports = new ArrayList<>();
        while (m.find()) {
            ports.add(Integer.parseInt(m.group(1)));
        }
        if (ports.size() != 1) {
            throw new AssertionError("expected process " + pid + " to listen on one port, found " + ports + ":\n"
                    + r.stdout());
        }
        return ports.get(0);
    }

    private void startMaster(int port) throws Exception {
        List<String> args = new ArrayList<>(List.of("master", "--port", Integer.toString(port), "--data",
                dir.resolve("master").toString()));
        args.addAll(masterArgs);
        args.addAll(tlsArgs);
        master = Proc.start(dir.resolve("logs"), "master" + (restarts++), env, args.toArray(String[]::new));
        masterUrl = master.awaitStderr("cairn master: cluster \\S+ at (https?://\\S+),", START);
        masterPort = Integer.parseInt(masterUrl.replaceAll(".*:", ""));
        env.put("CAIRN_TOKEN_FILE", adminTokenFile().toString());
        ClusterTokens.register(masterUrl, adminTokenFile());
    }

    /** The file holding the cluster's first admin token, which every command and mount here calls with. */
    public Path adminTokenFile() {
        return dir.resolve("master").resolve("admin.token");
    }

    /** The admin token's credentials, for a client a test builds itself. */
    public io.cairn.common.client.Credentials credentials() throws java.io.IOException {
        return io.cairn.common.client.TokenFile.credentials(masterUrl, adminTokenFile());
    }

    /** A join token file for datanode {@code i}, made with {@code cairn admin join-token} as an operator would. */
    public Path joinToken(int i) throws Exception {
        Path file = dir.resolve("dn" + i + ".join");
        java.nio.file.Files.deleteIfExists(file);
        Proc.Result r = Proc.run(dir.resolve("logs"), env, Duration.ofSeconds(60), "admin", "join-token", "--master",
                masterUrl, "--out", file.toString());
        if (r.exit() != 0) {
            throw new AssertionError("cairn admin join-token failed: " + r.stderr());
        }
        return file;
    }

    public String masterUrl() {
        return masterUrl;
    }

    /** The PEM file of the cluster's CA; only for a {@link #tls} cluster. */
    public Path caFile() {
        return dir.resolve("tls/ca.pem");
    }

    public Map<String, String> env() {
        return env;
    }

    public Proc master() {
        return master;
    }

    public Proc datanode(int i) {
        return datanodes.get(i);
    }

    /** The proxy clients reach datanode {@code i} through; only for a {@link #linked} cluster. */
    public TcpProxy datanodeLink(int i) {
        if (links.isEmpty()) {
            throw new IllegalStateException("not a linked cluster: use ProcessCluster.linked");
        }
        return links.get(i);
    }

    /** Datanode {@code i}'s data directory. */
    public Path datanodeDir(int i) {
        return dir.resolve("dn" + i);
    }

    /** Datanode {@code i}'s node id (as the master and {@code cairn stat --json} name it). */
    public String datanodeId(int i) throws java.io.IOException {
        return java.nio.file.Files.readString(datanodeDir(i).resolve("node-id")).trim();
    }

    /** Whether datanode {@code i} has chunk {@code id} on its disk. */
    public boolean hasChunk(int i, String id) {
        return java.nio.file.Files.isRegularFile(datanodeDir(i).resolve("chunks").resolve(id.substring(0, 2)).resolve(id));
    }

    /** Bytes of chunk files on all datanodes' disks. */
    public long bytesOnDisk() {
        long n = 0;
        for (int i = 0; i < datanodes.size(); i++) {
            java.nio.file.Path chunks = dir.resolve("dn" + i).resolve("chunks");
            if (!java.nio.file.Files.isDirectory(chunks)) {
                continue;
            }
            try (var s = java.nio.file.Files.walk(chunks)) {
                n += s.filter(java.nio.file.Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // a file went away while walking: count the rest
            }
        }
        return n;
    }

    /** kill -9 of the master, then a start on the same port and data directory. */
    public void crashAndRestartMaster() throws Exception {
        master.kill9();
        startMaster(masterPort);
    }

    /** Runs a client subcommand against this cluster. */
    public Proc.Result cli(Duration timeout, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        a.add(1, "--master");
        a.add(2, masterUrl);
        return Proc.run(dir.resolve("logs"), env, timeout, a.toArray(String[]::new));
    }

    public JsonNode nodes() throws Exception {
        Proc.Result r = cli(Duration.ofSeconds(30), "nodes", "--json");
        if (r.exit() != 0) {
            throw new AssertionError("nodes failed: " + r.stderr());
        }
        return Json.mapper().readTree(r.stdout());
    }

    public void awaitLive(int n, Duration timeout) {
        Eventually.await(n + " datanodes are live", timeout, Duration.ofMillis(200), this::nodes, all -> {
            int live = 0;
            for (JsonNode node : all) {
                live += "live".equals(node.path("state").asText()) ? 1 : 0;
            }
            return live >= n;
        });
    }

    @Override
    public void close() throws Exception {
        if (masterUrl != null) {
            ClusterTokens.forget(masterUrl);
        }
        for (Proc d : datanodes) {
            d.close();
        }
        if (master != null) {
            master.close();
        }
        links.forEach(TcpProxy::close);
    }
}
