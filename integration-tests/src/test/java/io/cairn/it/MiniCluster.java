package io.cairn.it;

import io.cairn.common.client.Cluster;
import io.cairn.common.wire.NodeInfo;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.datanode.DatanodeServer;
import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A whole cluster in this JVM: one master and N datanodes on port 0 with real sockets and their own
 * temp directories. Members can be stopped and restarted (on the same port and data directory).
 */
public final class MiniCluster implements AutoCloseable {
    private final Path root;
    private final Builder b;
    private MasterServer master;
    private int masterPort;
    private final List<DatanodeServer> datanodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private Cluster client;

    public static final class Builder {
        int datanodes = 3;
        int replication = 2;
        int minReplicas = 1;
        long chunkSize = 1 << 20;
        Duration deadAfter = Duration.ofSeconds(15);
        Duration heartbeat = Duration.ofMillis(300);
        Duration gcGrace = Duration.ofMinutes(2);
        long capacity = 0;
        Duration safeModeTimeout = Duration.ofSeconds(10);
        io.cairn.datanode.scrub.ScrubConfig scrub = io.cairn.datanode.scrub.ScrubConfig.off();
        Duration reportEvery = Duration.ofMinutes(10);
        int repairRate = 16;

        public Builder datanodes(int n) {
            datanodes = n;
            return this;
        }

        public Builder replication(int r) {
            replication = r;
            return this;
        }

        public Builder chunkSize(long c) {
            chunkSize = c;
            return this;
        }

        public Builder deadAfter(Duration d) {
            deadAfter = d;
            return this;
        }

        public Builder gcGrace(Duration d) {
            gcGrace = d;
            return this;
        }

        public Builder safeModeTimeout(Duration d) {
            safeModeTimeout = d;
            return this;
        }

        public Builder reportEvery(Duration d) {
            reportEvery = d;
            return this;
        }

        public Builder scrub(io.cairn.datanode.scrub.ScrubConfig s) {
            scrub = s;
            return this;
        }

        public Builder heartbeat(Duration d) {
            heartbeat = d;
            return this;
        }

        public Builder capacity(long c) {
            capacity = c;
            return this;
        }

        public MiniCluster start() throws IOException {
            return new MiniCluster(this).startAll();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static MiniCluster start(int datanodes) throws IOException {
        return builder().datanodes(datanodes).start();
    }

    private MiniCluster(Builder b) throws IOException {
        this.b = b;
        this.root = Files.createTempDirectory("cairn-mini-");
    }

    private MiniCluster startAll() throws IOException {
        try {
            startMaster(0);
            for (int i = 0; i < b.datanodes; i++) {
                ports.add(0);
                datanodes.add(null);
                startDatanode(i);
            }
            waitForLive(b.datanodes, Duration.ofSeconds(20));
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startMaster(int port) throws IOException {
        MasterConfig c = new MasterConfig("127.0.0.1", port, root.resolve("master"), b.replication, b.minReplicas,
                b.chunkSize, b.deadAfter, b.gcGrace, b.gcGrace, b.safeModeTimeout, b.repairRate, Clock.systemUTC());
        master = MasterServer.start(c);
        masterPort = master.port();
    }

    private void startDatanode(int i) throws IOException {
        DatanodeConfig c = new DatanodeConfig("127.0.0.1", ports.get(i), root.resolve("dn" + i),
                "http://127.0.0.1:" + masterPort, null, b.heartbeat, b.capacity, 0, Clock.systemUTC());
        DatanodeServer d = DatanodeServer.start(c, b.scrub, b.reportEvery);
        datanodes.set(i, d);
        ports.set(i, d.port());
    }

    public String masterUrl() {
        return "http://127.0.0.1:" + masterPort;
    }

    public MasterServer master() {
        return master;
    }

    public DatanodeServer datanode(int i) {
        return datanodes.get(i);
    }

    public int size() {
        return datanodes.size();
    }

    public Path datanodeDir(int i) {
        return root.resolve("dn" + i);
    }

    /** A client of this cluster, closed with it. */
    public synchronized Cluster client() {
        if (client == null) {
            client = new Cluster(masterUrl(), Duration.ofSeconds(10));
        }
        return client;
    }

    /** Stops datanode {@code i} (its data stays). */
    public void stopDatanode(int i) {
        DatanodeServer d = datanodes.get(i);
        if (d != null) {
            d.close();
            datanodes.set(i, null);
        }
    }

    public void restartDatanode(int i) throws IOException {
        stopDatanode(i);
        startDatanode(i);
    }

    public void stopMaster() {
        if (master != null) {
            master.close();
            master = null;
        }
    }

    /** Starts the master again on the same port with the same data directory. */
    public void restartMaster() throws IOException {
        stopMaster();
        startMaster(masterPort);
    }

    /** Waits until the master counts {@code n} live datanodes. */
    public void waitForLive(int n, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long live = nodes().stream().filter(x -> "live".equals(x.state())).count();
            if (live >= n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("only " + live + " of " + n + " datanodes live after " + timeout);
            }
            sleep(50);
        }
    }

    public List<NodeInfo> nodes() {
        try {
            return master.nodes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every chunk file stored on datanode {@code i}. */
    public List<Path> chunkFiles(int i) {
        Path chunks = datanodeDir(i).resolve("chunks");
        if (!Files.isDirectory(chunks)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(chunks)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> io.cairn.common.path.PathRules.isChunkId(p.getFileName().toString())) // not .crc sidecars
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        for (int i = 0; i < datanodes.size(); i++) {
            stopDatanode(i);
        }
        stopMaster();
        deleteTree(root);
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException e) {
            // best effort in teardown
        }
    }
}
