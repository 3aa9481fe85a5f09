package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import io.cairn.testing.Eventually;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster of real OS processes started through bin/cairn: a master and N datanodes on ports the
 * kernel picks (each prints the URL it got), so tests can kill -9 any of them.
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
    private int restarts;

    public ProcessCluster(Path dir, String javaOpts, int datanodes, String... masterArgs) throws Exception {
        this.dir = dir;
        if (javaOpts != null) {
            env.put("CAIRN_JAVA_OPTS", javaOpts);
        }
        this.masterArgs = List.of(masterArgs);
        try {
            startMaster(0);
            for (int i = 0; i < datanodes; i++) {
                Proc d = Proc.start(dir.resolve("logs"), "datanode" + i, env, "datanode", "--port", "0", "--data",
                        dir.resolve("dn" + i).toString(), "--master", masterUrl, "--heartbeat", "500ms");
                this.datanodes.add(d);
                d.awaitStderr("cairn datanode: \\S+ at (http://\\S+),", START);
            }
            awaitLive(datanodes, START);
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
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
    }
}
