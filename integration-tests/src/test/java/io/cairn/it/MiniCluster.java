package io.cairn.it;

import io.cairn.common.client.Cluster;
import io.cairn.common.client.Credentials;
import io.cairn.common.client.TokenFile;
import io.cairn.common.security.ChunkTokens;
import io.cairn.common.security.NodeKeyRing;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.VersionedKeys;
import io.cairn.common.security.SecretFile;
import io.cairn.common.wire.NodeInfo;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.datanode.DatanodeServer;
import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;
import io.cairn.testing.Eventually;
import io.cairn.testing.ManualClock;
import io.cairn.testing.TcpProxy;
import io.cairn.testing.TestPostgres;
import io.cairn.master.meta.PostgresUrl;
import io.cairn.master.meta.StoreOpener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A whole cluster in this JVM: one master and N datanodes on port 0 with real sockets and their own
 * temp directories. Members can be stopped and restarted (on the same port and data directory).
 *
 * <p>Every link goes through a {@link TcpProxy}, so that a test can cut a member off the way a
 * network does: clients reach the master through {@link #masterLink()} ({@link #masterUrl()} is its
 * URL); datanode {@code i} advertises the URL of its own proxy, {@link #datanodeLink(int)}, so that
 * clients and other datanodes' copies reach it only through that; and it reaches the master through
 * a proxy of its own, {@link #datanodeMasterLink(int)}. {@link #block(int)} cuts both of datanode
 * {@code i}'s links (it keeps running, unreachable and unable to reach anyone through the cluster's
 * links; its own copies from other datanodes need orders from the master, which it cannot get).
 * A block outlasts restarts of the member.
 *
 * <p>The master can run on a {@link ManualClock} ({@link Builder#masterClock}): then time moves
 * for liveness ({@code --dead-after}), safe mode, the garbage and orphan grace periods, repair order
 * deadlines and file times only when the test moves it. A datanode is then dead, deterministically,
 * after {@code block(i)} and {@link #advancePastDeadAfter()}.
 */
public final class MiniCluster implements AutoCloseable {
    private final Path root;
    private final Builder b;
    private MasterServer master;
    private int masterPort;
    private final TcpProxy masterLink;
    private final List<DatanodeServer> datanodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<TcpProxy> datanodeLinks = new ArrayList<>();
    private final List<TcpProxy> datanodeMasterLinks = new ArrayList<>();
    private Cluster client;
    /** On PostgreSQL: the cluster's own database, dropped when it closes. */
    private TestPostgres.Database db;
    private StoreOpener meta = StoreOpener.sqlite();

    /** Where a cluster's master keeps its metadata. */
    public enum Store { SQLITE, POSTGRESQL }

    private static volatile Store defaultStore = Store.SQLITE;

    /**
     * Where the masters of clusters built from now on keep their metadata (SQLite unless said):
     * a test class that runs another's tests on PostgreSQL sets it before each test and resets it after.
     */
    public static void useStore(Store s) {
        defaultStore = s;
    }

    public static final class Builder {
        Store store = defaultStore;
        int datanodes = 3;
        int replication = 2;
        int minReplicas = 1;
        long chunkSize = 1 << 20;
        Duration deadAfter = Duration.ofSeconds(15);
        Duration heartbeat = Duration.ofMillis(300);
        Duration gcGrace = Duration.ofMinutes(2);
        Duration sessionTtl = MasterConfig.DEFAULT_SESSION_TTL;
        Duration orphanGrace;
        Duration chunkLease;
        long capacity = 0;
        Duration safeModeTimeout = Duration.ofSeconds(10);
        io.cairn.datanode.scrub.ScrubConfig scrub = io.cairn.datanode.scrub.ScrubConfig.off();
        Duration reportEvery = Duration.ofMinutes(10);
        int repairRate = 16;
        ManualClock masterClock;

        /** SQLite in the master's data directory, or a fresh PostgreSQL database of the cluster's own. */
        public Builder store(Store s) {
            store = s;
            return this;
        }

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

        /** How long a mount's session and its locks outlive its last renewal (the master's {@code --session-ttl}). */
        public Builder sessionTtl(Duration d) {
            sessionTtl = d;
            return this;
        }

        public Builder gcGrace(Duration d) {
            gcGrace = d;
            return this;
        }

        /** The master's {@code --orphan-grace}; the garbage grace period unless set. */
        public Builder orphanGrace(Duration d) {
            orphanGrace = d;
            return this;
        }

        /** The master's {@code --chunk-lease}: how long a writer holds an allocated chunk between renewals. */
        public Builder chunkLease(Duration d) {
            chunkLease = d;
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

        /** The master decides by this clock (datanodes keep the system clock). */
        public Builder masterClock(ManualClock c) {
            masterClock = c;
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
        this.masterLink = TcpProxy.untargeted();
    }

    private MiniCluster startAll() throws IOException {
        try {
            if (b.store == Store.POSTGRESQL) {
                db = TestPostgres.server().freshDatabase();
                meta = StoreOpener.postgres(PostgresUrl.parse(db.url(), null,
                        db.password() == null ? Map.of() : Map.of("PGPASSWORD", db.password())));
            }
            startMaster(0);
            for (int i = 0; i < b.datanodes; i++) {
                ports.add(0);
                datanodes.add(null);
                datanodeLinks.add(TcpProxy.untargeted());
                datanodeMasterLinks.add(TcpProxy.to(masterPort));
                startDatanode(i);
            }
            waitForLive(b.datanodes, Duration.ofSeconds(20));
            return this;
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void startMaster(int port) throws IOException {
        Clock clock = b.masterClock != null ? b.masterClock : Clock.systemUTC();
        MasterConfig c = new MasterConfig("127.0.0.1", port, root.resolve("master"), b.replication, b.minReplicas,
                b.chunkSize, b.deadAfter, b.gcGrace, b.orphanGrace != null ? b.orphanGrace : b.gcGrace, b.safeModeTimeout, b.repairRate,
                b.chunkLease != null ? b.chunkLease : MasterConfig.DEFAULT_CHUNK_LEASE, clock, null, b.sessionTtl);
        master = MasterServer.start(c, List.of(), meta);
        masterPort = master.port();
        masterLink.target("127.0.0.1", masterPort);
        ClusterTokens.register(masterLink.url(), master.adminTokenFile());
    }

    /**
     * A join token file for datanode {@code i} when it has not enrolled yet (its first start), made
     * on the master as {@code cairn admin join-token} would; null when it has its key.
     */
    private Path joinToken(int i) throws IOException {
        if (Files.exists(datanodeDir(i).resolve("node.key"))) {
            return null;
        }
        Path file = root.resolve("dn" + i + ".join");
        SecretFile.write(file, master.tokens().createJoin(null, null, "MiniCluster").token(), true);
        return file;
    }

    @SuppressWarnings("deprecation") // the scrubber's first delay is set here, which the config cannot say
    private void startDatanode(int i) throws IOException {
        DatanodeConfig c = new DatanodeConfig("127.0.0.1", ports.get(i), root.resolve("dn" + i),
                datanodeMasterLinks.get(i).url(), datanodeLinks.get(i).url(), b.heartbeat, b.capacity, 0,
                Clock.systemUTC()).withJoinTokenFile(joinToken(i));
        DatanodeServer d = DatanodeServer.start(c, b.scrub, b.reportEvery);
        datanodes.set(i, d);
        ports.set(i, d.port());
        datanodeLinks.get(i).target("127.0.0.1", d.port());
    }

    /** A token that lets its holder ask datanode {@code i} for its status, as only the master could make. */
    public String statusToken(int i) throws IOException {
        // the newest version of the node's key, which the datanode holds once it has moved to it
        NodeKeyRing held = NodeKeyRing.parse(SecretFile.read(datanodeDir(i).resolve("node.key")), line -> { },
                Clock.systemUTC());
        String id = datanode(i).nodeId();
        byte[] clusterKey = null;
        for (VersionedKeys.Entry e : VersionedKeys.parse(SecretFile.read(masterDir().resolve("cluster.key")))) {
            if (e.version() == held.version()) {
                clusterKey = e.key();
            }
        }
        return ChunkTokens.mint(NodeKeys.nodeKey(clusterKey, id), held.version(), id, ChunkTokens.STATUS_CHUNK, "s",
                System.currentTimeMillis() + ChunkTokens.LIFETIME.toMillis());
    }

    /** The master's URL as clients reach it: through {@link #masterLink()}. */
    public String masterUrl() {
        return masterLink.url();
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

    /** The master's data directory (its {@code meta.db}), e.g. to fill the store directly while the master is stopped. */
    public Path masterDir() {
        return root.resolve("master");
    }

    public Path datanodeDir(int i) {
        return root.resolve("dn" + i);
    }

    /** A client of this cluster with the admin token, closed with it. */
    public synchronized Cluster client() {
        if (client == null) {
            client = new Cluster(masterUrl(), Duration.ofSeconds(10), credentials());
        }
        return client;
    }

    /** The file holding this cluster's first admin token (what its clients and mounts call with). */
    public Path adminTokenFile() {
        return masterDir().resolve("admin.token");
    }

    /** The admin token's credentials, for a client a test builds itself. */
    public Credentials credentials() {
        try {
            return TokenFile.credentials(masterUrl(), adminTokenFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- cutting links

    /** The proxy between clients and the master (for {@link TcpProxy#dropNextReply()} and the like). */
    public TcpProxy masterLink() {
        return masterLink;
    }

    /** The proxy in front of datanode {@code i}: the address it advertises. */
    public TcpProxy datanodeLink(int i) {
        return datanodeLinks.get(i);
    }

    /** The proxy datanode {@code i} reaches the master through. */
    public TcpProxy datanodeMasterLink(int i) {
        return datanodeMasterLinks.get(i);
    }

    /**
     * Cuts datanode {@code i} off: nobody reaches it and it reaches no master. When this returns,
     * every heartbeat it had sent has been answered, so the master's last word from it is final.
     */
    public void block(int i) {
        datanodeMasterLinks.get(i).block();
        datanodeLinks.get(i).block();
    }

    /** Datanode {@code i} is reachable again (and its next heartbeat reaches the master). */
    public void unblock(int i) {
        datanodeLinks.get(i).unblock();
        datanodeMasterLinks.get(i).unblock();
    }

    /** Clients cannot reach the master (datanodes still can). */
    public void blockMaster() {
        masterLink.block();
    }

    public void unblockMaster() {
        masterLink.unblock();
    }

    // ---- the master's clock

    /** The master's manual clock; only when one was given to the builder. */
    public ManualClock masterClock() {
        if (b.masterClock == null) {
            throw new IllegalStateException("this cluster's master runs on the system clock: use Builder.masterClock");
        }
        return b.masterClock;
    }

    /** The master's {@code --dead-after}. */
    public Duration deadAfter() {
        return b.deadAfter;
    }

    /**
     * Moves the master's manual clock just past {@code --dead-after}: every datanode that has not
     * been heard from since is dead now; the others are live again at their next heartbeat.
     */
    public void advancePastDeadAfter() {
        masterClock().advance(b.deadAfter.plusMillis(1));
    }

    /** The master's view of datanode {@code i}: "live" or "dead". */
    public String state(int i) {
        String id = datanodeId(i);
        return nodes().stream().filter(n -> n.id().equals(id)).map(NodeInfo::state).findFirst()
                .orElseThrow(() -> new IllegalStateException("the master does not know datanode " + i));
    }

    private String datanodeId(int i) {
        DatanodeServer d = datanodes.get(i);
        if (d != null) {
            return d.nodeId();
        }
        try {
            return Files.readString(datanodeDir(i).resolve("node-id")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- stopping and starting

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

    /** Starts the master again on the same port with the same data directory (and the same clock). */
    public void restartMaster() throws IOException {
        stopMaster();
        startMaster(masterPort);
    }

    /**
     * Starts the master again, on the same port, with its metadata on PostgreSQL from now on: in the
     * cluster's database (made empty now if there is none), e.g. after the SQLite metadata was copied there.
     */
    public void restartMasterOnPostgres() throws IOException {
        stopMaster();
        if (db == null) {
            db = TestPostgres.server().freshDatabase();
        }
        meta = StoreOpener.postgres(PostgresUrl.parse(db.url(), null,
                db.password() == null ? Map.of() : Map.of("PGPASSWORD", db.password())));
        b.store = Store.POSTGRESQL;
        startMaster(masterPort);
    }

    /** The cluster's PostgreSQL database, made empty now if it has none yet (and dropped when it closes). */
    public TestPostgres.Database postgresDatabase() {
        if (db == null) {
            db = TestPostgres.server().freshDatabase();
        }
        return db;
    }

    /** Starts the master after {@link #stopMaster()}, on the same port and data directory. */
    public void startMaster() throws IOException {
        if (master != null) {
            throw new IllegalStateException("the master is running");
        }
        startMaster(masterPort);
    }

    /** Waits until the master counts at least {@code n} live datanodes. */
    public void waitForLive(int n, Duration timeout) {
        Eventually.await("the master counts " + n + " live datanodes", timeout, Duration.ofMillis(50), this::nodes,
                all -> all.stream().filter(x -> "live".equals(x.state())).count() >= n);
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

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        for (int i = 0; i < datanodes.size(); i++) {
            stopDatanode(i);
        }
        stopMaster();
        ClusterTokens.forget(masterLink.url());
        masterLink.close();
        datanodeLinks.forEach(TcpProxy::close);
        datanodeMasterLinks.forEach(TcpProxy::close);
        deleteTree(root);
        if (db != null) {
            db.close();
        }
    }

    /** Where the master keeps its metadata: SQLite or PostgreSQL. */
    public Store store() {
        return b.store;
    }

    /** The cluster's PostgreSQL database; only on {@link Store#POSTGRESQL}. */
    public TestPostgres.Database database() {
        if (db == null) {
            throw new IllegalStateException("this cluster's metadata is in SQLite");
        }
        return db;
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
