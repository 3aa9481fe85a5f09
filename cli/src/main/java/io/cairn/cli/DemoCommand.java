package io.cairn.cli;

import io.cairn.common.security.SecretFile;
import io.cairn.common.wire.NodeInfo;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.datanode.DatanodeServer;
import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;
import io.cairn.mount.MountMain;
import io.cairn.mount.MountSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The original testing phase in one command: a master on port 5000 and datanodes on 6000, 7000",
            "and 8000, mounted at ./mnt. Data stays under ./cairn-demo for the next run. Ctrl-C unmounts and stops all."})
final class DemoCommand implements Callable<Integer> {
    static final int MASTER_PORT = 5000;
    static final int[] DATANODE_PORTS = {6000, 7000, 8000};

    @Option(names = "--dir", defaultValue = "cairn-demo", paramLabel = "DIR",
            description = "where the cluster keeps its data (default: ./${DEFAULT-VALUE})")
    Path dir;
    @Option(names = "--mount", defaultValue = "mnt", paramLabel = "DIR",
            description = "where to mount it (default: ./${DEFAULT-VALUE}; created if missing)")
    Path mount;
    @Option(names = "--replication", defaultValue = "2", paramLabel = "N", description = "replicas per chunk (default: ${DEFAULT-VALUE})")
    int replication;
    @Option(names = "--log-level", paramLabel = "LEVEL", description = "ERROR, WARN (default), INFO or DEBUG")
    String logLevel;

    @Override
    public Integer call() throws Exception {
        Foreground.setLogLevel(logLevel, "WARN");
        Path mnt = mount.toAbsolutePath().normalize();
        Path data = dir.toAbsolutePath().normalize();
        String problem = preflight(mnt);
        if (problem != null) {
            System.err.println("cairn demo: " + problem);
            return 1;
        }
        Foreground.onStopSignal(MountMain::requestStop); // Ctrl-C: unmount, then stop the cluster below
        List<AutoCloseable> started = new ArrayList<>();
        try {
            MasterServer master = MasterServer.start(MasterConfig.defaults(data.resolve("master")).withPort(MASTER_PORT)
                    .withReplication(replication, 1));
            started.add(master);
            for (int port : DATANODE_PORTS) {
                Path dn = data.resolve("datanode-" + port);
                Path join = enrollOnce(master, dn);
                try {
                    started.add(DatanodeServer.start(new DatanodeConfig("127.0.0.1", port, dn, master.url(), null,
                            Duration.ofSeconds(1), 0, 0, Clock.systemUTC()).withJoinTokenFile(join)));
                } finally {
                    if (join != null) {
                        Files.deleteIfExists(join);
                    }
                }
            }
            awaitLive(master, DATANODE_PORTS.length);
            Path token = clientToken(master, data);
            printWelcome(master, data, mnt, token);
            int code = MountMain.run(new MountSettings(mnt, master.url(), List.of(), Duration.ofSeconds(1),
                    Duration.ofSeconds(30), false, false, token));
            System.err.println(code == 0 ? "cairn demo: unmounted " + mnt + "; stopping the cluster (data kept in " + data + ")"
                    : "cairn demo: the mount failed; stopping the cluster");
            return code;
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception e) {
                    System.err.println("cairn demo: stopping " + started.get(i) + ": " + e.getMessage());
                }
            }
        }
    }

    /** A join token file for a datanode that has not enrolled yet (null when it has its key). */
    private static Path enrollOnce(MasterServer master, Path dn) throws IOException {
        if (Files.exists(dn.resolve("node.key"))) {
            return null;
        }
        Path file = dn.resolveSibling(dn.getFileName() + ".join");
        SecretFile.write(file, master.tokens().createJoin(null, null, "cairn demo").token(), true);
        return file;
    }

    /**
     * The read-write token the demo mounts with and offers to the commands, in DATA/client.token
     * (made on the first run, kept for the next).
     */
    private static Path clientToken(MasterServer master, Path data) throws IOException {
        return token(master, data.resolve("client.token"), "demo-", "read-write");
    }

    /** The metrics token for the status pages and /metrics, in DATA/metrics.token (made once, kept). */
    private static Path metricsToken(MasterServer master, Path data) throws IOException {
        return token(master, data.resolve("metrics.token"), "demo-metrics-", "metrics");
    }

    private static Path token(MasterServer master, Path file, String prefix, String scope) throws IOException {
        if (SecretFile.readIfPresent(file) != null) {
            return file;
        }
        String name = prefix + Long.toString(System.currentTimeMillis(), 36);
        SecretFile.write(file, master.tokens().create(name, scope, null, "cairn demo").token(), true);
        return file;
    }

    /** Everything that can be checked before anything starts, so a failure leaves nothing half-started. */
    private static String preflight(Path mnt) throws IOException {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            return "/dev/fuse is missing: this machine (or container) cannot mount FUSE file systems";
        }
        List<Integer> ports = new ArrayList<>(List.of(MASTER_PORT));
        for (int p : DATANODE_PORTS) {
            ports.add(p);
        }
        for (int port : ports) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return "port " + port + " is taken (is another Cairn demo or master running? `ss -ltnp 'sport = :" + port
                        + "'` shows who has it)";
            }
        }
        if (Files.exists(mnt) && !Files.isDirectory(mnt)) {
            return mnt + " exists and is not a directory";
        }
        if (isMountPoint(mnt)) {
            return mnt + " is already a mount point (a previous demo still mounted? run: fusermount -u " + mnt + ")";
        }
        if (Files.isDirectory(mnt)) {
            try (Stream<Path> s = Files.list(mnt)) {
                if (s.findAny().isPresent()) {
                    return mnt + " is not empty: choose another --mount directory";
                }
            }
        } else {
            Files.createDirectories(mnt);
        }
        return null;
    }

    static boolean isMountPoint(Path p) throws IOException {
        String target = p.toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[4].replace("\\040", " ").equals(target)) {
                return true;
            }
        }
        return false;
    }

    private static void awaitLive(MasterServer master, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            long live = master.nodes().stream().filter(x -> "live".equals(x.state())).count();
            if (live >= n) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("the datanodes did not register with the master within 30 s");
    }

    private static void printWelcome(MasterServer master, Path data, Path mnt, Path token) throws IOException {
        Path metrics = metricsToken(master, data);
        StringBuilder nodes = new StringBuilder();
        for (NodeInfo n : master.nodes()) {
            nodes.append("    ").append(n.address()).append("  ").append(n.id()).append('\n');
        }
        System.out.println("""
                Cairn demo is up.
                  master    %s   (cluster %s)
                  datanodes
                %s  mounted   %s
                  data      %s   (kept for the next run)
                  security  datanodes enrolled with join tokens; the mount uses a read-write token
                            admin token %s
                  status    open %s/ in a browser and give it the token in %s
                            (or: curl -H "Authorization: Bearer $(cat %s)" %s/metrics)

                Try, in another terminal:
                  cp /etc/services %s/          cat %s/services | head
                  ls -l %s                      mkdir -p %s/a/b && mv %s/services %s/a/b/
                  export CAIRN_TOKEN_FILE=%s
                  bin/cairn nodes                bin/cairn stat /a/b/services    bin/cairn ls -l /a/b
                  bin/cairn admin token list --token-file %s
                Ctrl-C here unmounts and stops everything.
                """.formatted(master.url(), master.clusterId(), nodes, mnt, data, master.adminTokenFile(), master.url(),
                metrics, metrics, master.url(), mnt, mnt, mnt,
                mnt, mnt, mnt, token, master.adminTokenFile()));
        System.out.flush();
    }
}
