package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.SecretFile;
import io.cairn.datanode.store.DataDir;
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

    public ProcessCluster(Path dir, String javaOpts, int datanodes, String... masterArgs) throws Exception {
        this(dir, javaOpts, datanodes, false, masterArgs);
    }

    /** A cluster whose datanodes are each reached through a proxy of their own (see the class comment). */
    public static ProcessCluster linked(Path dir, String javaOpts, int datanodes, String... masterArgs)
            throws Exception {
        return new ProcessCluster(dir, javaOpts, datanodes, true, masterArgs);
    }

    private ProcessCluster(Path dir, String javaOpts, int datanodes, boolean linked, String... masterArgs)
            throws Exception {
        this.dir = dir;
        if (javaOpts != null) {
            env.put("CAIRN_JAVA_OPTS", javaOpts);
        }
        this.masterArgs = List.of(masterArgs);
        try {
            startMaster(0);
            for (int i = 0; i < datanodes; i++) {
                List<String> args = new ArrayList<>(List.of("datanode", "--port", "0", "--data",
                        dir.resolve("dn" + i).toString(), "--master", masterUrl, "--heartbeat", "500ms"));
                TcpProxy link = null;
                if (linked) {
                    link = TcpProxy.untargeted();
                    links.add(link);
                    args.addAll(List.of("--advertise", link.url()));
                }
                provisionNodeKey(i);
                Proc d = Proc.start(dir.resolve("logs"), "datanode" + i, env, args.toArray(String[]::new));
                this.datanodes.add(d);
                d.awaitStderr("cairn datanode: \\S+ at (http://\\S+),", START);
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

    /**
     * Gives datanode {@code i} (not running) the key the master makes for it from the cluster key,
     * so that the master's chunk tokens open its chunks. Stands in for enrolling with a join token.
     */
    private void provisionNodeKey(int i) throws java.io.IOException {
        byte[] clusterKey = NodeKeys.fromText(SecretFile.read(dir.resolve("master").resolve("cluster.key")));
        try (DataDir d = DataDir.open(datanodeDir(i))) {
            d.saveNodeKey(NodeKeys.nodeKey(clusterKey, d.nodeId()));
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
        master = Proc.start(dir.resolve("logs"), "master" + (restarts++), env, args.toArray(String[]::new));
        masterUrl = master.awaitStderr("cairn master: cluster \\S+ at (http://\\S+),", START);
        masterPort = Integer.parseInt(masterUrl.replaceAll(".*:", ""));
    }

    public String masterUrl() {
        return masterUrl;
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
        for (Proc d : datanodes) {
            d.close();
        }
        if (master != null) {
            master.close();
        }
        links.forEach(TcpProxy::close);
    }
}
