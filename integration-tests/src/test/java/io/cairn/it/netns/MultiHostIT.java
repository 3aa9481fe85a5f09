package io.cairn.it.netns;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import io.cairn.it.Data;
import io.cairn.it.Proc;
import io.cairn.it.mount.Mounted;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster across hosts: one network namespace each for a bridge, the master, three datanodes and
 * a client, on a test subnet. The processes run with the commands of the systemd units in
 * deploy/systemd (entering only the network namespace, so the client's FUSE mount is visible here),
 * over TLS: {@code cairn admin tls init} makes a CA and a certificate per host, as an operator would.
 */
@Timeout(600)
class MultiHostIT {
    private static final String PREFIX = "cairn-it-";
    private static final String NET = "10.203.7.";
    private static final Map<String, String> HOSTS = new java.util.LinkedHashMap<>(Map.of());

    static {
        HOSTS.put("m", "10");
        HOSTS.put("d1", "11");
        HOSTS.put("d2", "12");
        HOSTS.put("d3", "13");
        HOSTS.put("c", "20");
    }

    @TempDir
    Path tmp;
    private final List<Proc> procs = new ArrayList<>();
    private Path mnt;
    /** The cluster's CA and host certificates, made by cairn admin tls init. */
    private Path tls;
    private static final String MASTER = "https://" + NET + "10:5000";

    record Out(int exit, String out) {
    }

    static Out run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        return new Out(p.exitValue(), new String(out));
    }

    private static void must(String... cmd) throws Exception {
        Out o = run(cmd);
        assertThat(o.exit()).as(String.join(" ", cmd) + ": " + o.out()).isZero();
    }

    private static void removeNamespaces() throws Exception {
        Out list = run("ip", "netns", "list");
        for (String line : list.out().split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(PREFIX)) {
                run("ip", "netns", "del", name);
            }
        }
    }

    @BeforeEach
    void network() throws Exception {
        removeNamespaces(); // leftovers of a crashed earlier run
        Out probe = run("ip", "netns", "add", PREFIX + "br");
        Assumptions.assumeTrue(probe.exit() == 0, () -> {
            System.out.println("SKIPPED: cannot create network namespaces here (" + probe.out().trim() + ")");
            return "ip netns add not permitted";
        });
        String br = PREFIX + "br";
        must("ip", "netns", "exec", br, "ip", "link", "add", "br0", "type", "bridge");
        must("ip", "netns", "exec", br, "ip", "link", "set", "br0", "up");
        for (var h : HOSTS.entrySet()) {
            String ns = PREFIX + h.getKey();
            must("ip", "netns", "add", ns);
            must("ip", "netns", "exec", br, "ip", "link", "add", "v" + h.getKey(), "type", "veth", "peer", "name", "eth0",
                    "netns", ns);
            must("ip", "netns", "exec", br, "ip", "link", "set", "v" + h.getKey(), "master", "br0", "up");
            must("ip", "netns", "exec", ns, "ip", "addr", "add", NET + h.getValue() + "/24", "dev", "eth0");
            must("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
            must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        }
    }

    @AfterEach
    void teardown() throws Exception {
        try {
            try {
                if (mnt != null) {
                    Mounted.forceUnmount(mnt); // and it is gone from /proc/self/mountinfo
                }
            } finally {
                for (Proc p : procs) {
                    p.close();
                }
            }
        } finally {
            removeNamespaces();
        }
        Out left = run("ip", "netns", "list");
        assertThat(left.out()).doesNotContain(PREFIX);
    }

    /** The shell command of a unit's ExecStart= line (deploy/systemd/NAME.service). */
    static String execStart(String unit) throws Exception {
        String text = Files.readString(Proc.root().resolve("deploy/systemd/" + unit + ".service"));
        Matcher m = Pattern.compile("(?m)^ExecStart=/bin/sh -c '(.*)'$").matcher(text);
        assertThat(m.find()).as("ExecStart of " + unit).isTrue();
        return m.group(1);
    }

    /** Starts a unit's command inside host {@code host}'s network namespace with the unit's environment. */
    private Proc startUnit(String host, String unit, Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("CAIRN_BIN", Proc.cairn().toString());
        Proc p = Proc.startCommand(tmp.resolve("logs"), unit + "-" + host, all,
                List.of("nsenter", "--net=/run/netns/" + PREFIX + host, "/bin/sh", "-c", execStart(unit)));
        procs.add(p);
        return p;
    }

    /** The client host's read-write token, made with the admin token as an operator would. */
    private Path clientToken;

    private Proc.Result client(String... args) throws Exception {
        return on("c", Map.of("CAIRN_TOKEN_FILE", clientToken.toString()), args);
    }

    /** The environment a host's server unit gets for TLS: its own certificate and key, and the CA. */
    private Map<String, String> tlsEnv(String ip) {
        return Map.of("CAIRN_TLS_ARGS", "--tls-cert " + tls.resolve(ip + ".pem") + " --tls-key " + tls.resolve(ip + ".key"),
                "CAIRN_TLS_CA", tls.resolve("ca.pem").toString());
    }

    private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new HashMap<>(a);
        all.putAll(b);
        return all;
    }

    /**
     * Runs {@code cairn SUB --master=THE_MASTER ARGS...} on host {@code host} (SUB may be admin TASK or admin token TASK),
     * trusting the cluster's CA.
     */
    private Proc.Result on(String host, Map<String, String> env, String... args) throws Exception {
        return onMaster(host, with(Map.of("CAIRN_TLS_CA", tls.resolve("ca.pem").toString()), env), MASTER, args);
    }

    /** As {@link #on}, calling {@code master} and trusting only what {@code env} says. */
    private Proc.Result onMaster(String host, Map<String, String> env, String master, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + PREFIX + host, Proc.cairn().toString()));
        int sub = !args[0].equals("admin") ? 1 : args[1].equals("token") ? 3 : 2;
        cmd.addAll(List.of(args).subList(0, sub));
        cmd.add("--master=" + master);
        cmd.addAll(List.of(args).subList(sub, args.length));
        try (Proc p = Proc.startCommand(tmp.resolve("logs"), "client-" + System.nanoTime(), env, cmd)) {
            return p.await(Duration.ofMinutes(2));
        }
    }

    /** An admin command on the master host, with the first admin token from its data directory. */
    private Path adminMakes(String file, String... args) throws Exception {
        Path out = tmp.resolve(file);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--token-file", tmp.resolve("master/admin.token").toString(), "--out", out.toString()));
        Proc.Result r = on("m", Map.of(), all.toArray(String[]::new));
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.stderr()).isZero();
        return out;
    }

    @Test
    void aClusterAcrossHostsStoresOnEveryDatanodeAndMountsOnTheClient() throws Exception {
        long t0 = System.nanoTime();
        // cairn admin tls init DIR --host 10.203.7.10 --host 10.203.7.11 ...
        tls = tmp.resolve("tls");
        List<String> init = new ArrayList<>(List.of("admin", "tls", "init", tls.toString()));
        HOSTS.values().forEach(last -> init.addAll(List.of("--host", NET + last)));
        Proc.Result made = Proc.run(tmp.resolve("logs"), Map.of(), Duration.ofSeconds(60), init.toArray(String[]::new));
        assertThat(made.exit()).as(made.stderr()).isZero();
        assertThat(made.stdout()).contains("made the cluster CA").contains(NET + "13.pem");

        Proc plainMaster = startUnit("m", "cairn-master", Map.of("CAIRN_PORT", "5000", "CAIRN_BIND", NET + "10",
                "CAIRN_DATA", tmp.resolve("plain-master").toString(), "CAIRN_TLS_ARGS", ""));
        assertThat(plainMaster.await(Duration.ofSeconds(60)).exit()).as("no TLS off loopback: refused").isNotZero();
        assertThat(plainMaster.stderr()).contains("refusing to serve the master over plain HTTP on " + NET + "10");

        startUnit("m", "cairn-master", with(Map.of("CAIRN_PORT", "5000", "CAIRN_BIND", NET + "10",
                "CAIRN_DATA", tmp.resolve("master").toString()), tlsEnv(NET + "10")))
                .awaitStderr("cairn master: cluster \\S+ at (https://\\S+),", Duration.ofSeconds(60));
        Proc.Result stranger = on("c", Map.of(), "nodes", "--json");
        assertThat(stranger.exit()).as("a host without a token is refused").isNotZero();
        assertThat(stranger.stderr()).contains("no credentials");
        Proc.Result noCa = onMaster("c", Map.of(), MASTER, "nodes", "--json");
        assertThat(noCa.stderr().strip()).as("a host without the CA is refused").isEqualTo("cairn nodes: the master at "
                + MASTER + " presented a certificate not signed by a CA in the JVM's default trust store (give --tls-ca FILE)");
        Proc.Result plain = onMaster("c", Map.of(), MASTER.replace("https:", "http:"), "nodes", "--json");
        assertThat(plain.stderr().strip()).isEqualTo("cairn nodes: the master at http://" + NET + "10:5000 speaks HTTPS:"
                + " use " + MASTER);
        clientToken = adminMakes("client.token", "admin", "token", "create", "client-host", "--read-write");
        for (String d : List.of("d1", "d2", "d3")) {
            String ip = NET + HOSTS.get(d);
            Path join = adminMakes(d + ".join", "admin", "join-token");
            startUnit(d, "cairn-datanode", with(Map.of("CAIRN_PORT", "6000", "CAIRN_BIND", ip,
                    "CAIRN_ADVERTISE", "https://" + ip + ":6000", "CAIRN_MASTER", MASTER,
                    "CAIRN_DATA", tmp.resolve(d).toString(), "CAIRN_JOIN_TOKEN_FILE", join.toString()), tlsEnv(ip)))
                    .awaitStderr("cairn datanode: \\S+ at (https://\\S+),", Duration.ofSeconds(60));
        }
        JsonNode nodes = Eventually.await("three datanodes are live", Duration.ofSeconds(60), Duration.ofMillis(300), () -> {
            Proc.Result r = client("nodes", "--json");
            return r.exit() == 0 ? Json.mapper().readTree(r.stdout()) : Json.mapper().createArrayNode();
        }, n -> countLive(n) >= 3);
        assertThat(countLive(nodes)).isEqualTo(3);
        for (JsonNode n : nodes) {
            assertThat(n.path("address").asText()).startsWith("https://" + NET + "1");
        }

        // from the client host: put and get through the CLI
        Set<String> holders = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Path f = Data.randomFile(tmp.resolve("f" + i), 3 * (4 << 20) + i * 1000, i);
            assertThat(client("put", f.toString(), "/cli/f" + i).exit()).isZero();
            Path back = tmp.resolve("back" + i);
            assertThat(client("get", "/cli/f" + i, back.toString()).exit()).isZero();
            assertThat(Data.sha256(back)).isEqualTo(Data.sha256(f));
            JsonNode stat = Json.mapper().readTree(client("stat", "/cli/f" + i, "--json").stdout());
            stat.path("chunks").forEach(c -> c.path("replicas").forEach(r -> holders.add(r.asText())));
        }
        assertThat(holders).as("chunks landed on all three datanodes").hasSize(3);

        // the client host mounts with the mount unit's command; cp in, read back
        mnt = Files.createDirectories(tmp.resolve("mnt"));
        startUnit("c", "cairn-mount", Map.of("CAIRN_MASTER", MASTER, "CAIRN_TLS_CA", tls.resolve("ca.pem").toString(),
                "CAIRN_MOUNTPOINT", mnt.toString(), "CAIRN_TOKEN_FILE", clientToken.toString())).awaitStderr("(mounted on)", Duration.ofSeconds(60));
        Path big = Data.randomFile(tmp.resolve("big"), 20L << 20, 42);
        must("cp", big.toString(), mnt.resolve("big").toString());
        must("cp", "-r", Proc.root().resolve("deploy").toString(), mnt.resolve("deploy").toString());
        assertThat(Data.sha256(mnt.resolve("big"))).isEqualTo(Data.sha256(big));
        assertThat(Files.readString(mnt.resolve("deploy/systemd/cairn-mount.service")))
                .isEqualTo(Files.readString(Proc.root().resolve("deploy/systemd/cairn-mount.service")));
        assertThat(mnt.resolve("cli/f1")).exists();
        JsonNode stat = Json.mapper().readTree(client("stat", "/big", "--json").stdout());
        Set<String> bigHolders = new HashSet<>();
        stat.path("chunks").forEach(c -> c.path("replicas").forEach(r -> bigHolders.add(r.asText())));
        assertThat(bigHolders).hasSize(3);
        System.out.printf("multi-host: 5 namespaces, put/get/mount checked in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static long countLive(JsonNode nodes) {
        long n = 0;
        for (JsonNode x : nodes) {
            n += "live".equals(x.path("state").asText()) ? 1 : 0;
        }
        return n;
    }
}
