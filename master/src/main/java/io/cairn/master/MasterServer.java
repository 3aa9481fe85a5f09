package io.cairn.master;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.NodeInfo;
import io.cairn.master.cluster.ClusterAdmin;
import io.cairn.master.cluster.MasterMetrics;
import io.cairn.master.events.Events;
import io.cairn.master.http.MasterApi;
import io.cairn.master.lease.Leases;
import io.cairn.master.membership.Membership;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.membership.NodeWatch;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.meta.StoreOpener;
import io.cairn.master.namespace.ChunkLists;
import io.cairn.master.namespace.Namespace;
import io.cairn.master.repair.Fsck;
import io.cairn.master.repair.Repair;
import io.cairn.master.repair.SafeMode;
import io.cairn.master.replay.Replays;
import io.cairn.master.security.Authenticator;
import io.cairn.master.security.ChunkTokenMinter;
import io.cairn.master.security.ClusterKey;
import io.cairn.master.security.Guards;
import io.cairn.master.security.TokenStore;
import io.cairn.server.Group;
import io.cairn.server.Guard;
import io.cairn.server.HttpServer;
import io.cairn.server.Route;
import io.cairn.server.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The master process: wires the metadata store, namespace, placement, membership, repair and
 * administration together and serves them over HTTP.
 */
public final class MasterServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MasterServer.class);
    public static final String VERSION = MasterServer.class.getPackage().getImplementationVersion() == null
            ? "0.1.0-SNAPSHOT" : MasterServer.class.getPackage().getImplementationVersion();
    /** How long close() lets requests under way finish. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** How often lapsed leases and old answers to requests are forgotten. */
    static final Duration SWEEP_EVERY = Duration.ofSeconds(10);
    /** How often the datanodes' states are compared with the last look, to record who died, came back, filled up. */
    static final Duration WATCH_EVERY = Duration.ofMillis(500);
    /** How often sessions that lapsed are ended (their locks stand in no one's way from the moment they lapse). */
    static final Duration SESSIONS_EVERY = Duration.ofSeconds(1);

    private final MasterConfig config;
    private final ClusterKey clusterKey;
    private final MetadataStore store;
    private final String clusterId;
    private final NodeRegistry registry;
    private final Namespace namespace;
    private final ChunkLists chunkLists;
    private final Membership membership;
    private final Repair repair;
    private final ClusterAdmin admin;
    private final Leases leases;
    private final Replays replays;
    private final TokenStore tokens;
    private final Authenticator auth;
    private final Events events;
    private final NodeWatch watch;
    private final SafeMode safeMode;
    private final io.cairn.master.locks.Locks locks;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cairn-master-sweeper");
        t.setDaemon(true);
        return t;
    });
    private final ServerMetrics metrics = ServerMetrics.create("master", VERSION);
    private HttpServer http;

    private MasterServer(MasterConfig config, MetadataStore store, String clusterId, ClusterKey clusterKey) {
        this.config = config;
        this.clusterKey = clusterKey;
        this.tokens = new TokenStore(store, config.clock());
        this.auth = new Authenticator(tokens, clusterKey, java.time.Clock.systemUTC()); // signatures: the wall clock
        this.store = store;
        this.clusterId = clusterId;
        this.registry = new NodeRegistry(config.clock(), config.deadAfter(), config.chunkSize());
        this.events = new Events(store, config.clock());
        this.watch = new NodeWatch(registry, store, events, config.deadAfter());
        this.leases = new Leases(store, config.clock(), config.chunkLease());
        this.replays = new Replays(store, config.clock());
        ChunkTokenMinter tokens = new ChunkTokenMinter(clusterKey, config.clock());
        this.chunkLists = new ChunkLists(store, registry, config.clock(), config.chunkSize(), config.replication(),
                config.minReplicas(), leases, replays, tokens);
        this.namespace = new Namespace(store, config.clock(), chunkLists, replays);
        this.locks = new io.cairn.master.locks.Locks(store, config.clock(), config.sessionTtl(), namespace::attr, events,
                namespace::sessionEnded); // the unlinked files a mount kept open go with its session
        SafeMode safeMode = new SafeMode(registry, config.clock(), config.safeModeTimeout(), events);
        this.safeMode = safeMode;
        this.repair = new Repair(store, registry, config.clock(), config.replication(), config.chunkSize(),
                config.repairRate(), Duration.ofMillis(500), safeMode, tokens, events);
        this.membership = new Membership(store, registry, clusterId, config.clock(), config.gcGrace(), config.orphanGrace(),
                safeMode::active, repair::ordersFor, leases, config.replication(), events);
        Fsck fsck = new Fsck(store, registry, config.replication(), safeMode);
        this.admin = new ClusterAdmin(store, registry, namespace, fsck, new ClusterAdmin.Facts(clusterId, VERSION,
                config.chunkSize(), config.replication(), config.minReplicas()), config.dataDir(), events);
    }

    /** Opens (or creates) the metadata in the data directory and starts serving; port 0 takes any free port. */
    public static MasterServer start(MasterConfig config) throws IOException {
        return start(config, List.of());
    }

    /**
     * As {@link #start(MasterConfig)}, serving {@code extra} route groups beside the master's own
     * (tests add one that fails on purpose, to see how every fault is answered).
     */
    public static MasterServer start(MasterConfig config, List<Group> extra) throws IOException {
        return start(config, extra, StoreOpener.sqlite());
    }

    /** As {@link #start(MasterConfig, List)}, with the metadata where {@code meta} opens it (SQLite or PostgreSQL). */
    public static MasterServer start(MasterConfig config, List<Group> extra, StoreOpener meta) throws IOException {
        config.transport().check("master", config.bind()); // before anything is made or opened
        Files.createDirectories(config.dataDir());
        ClusterKey clusterKey = ClusterKey.openOrCreate(config.dataDir());
        MetadataStore store = meta.open(config.dataDir());
        MasterServer m;
        try {
            m = new MasterServer(config, store, clusterId(store), clusterKey);
            m.namespace.init();
            m.tokens.ensureAdmin(config.dataDir());
            m.membership.load();
            m.tellOfUnenrolledNodes();
            for (String id : store.read(tx -> tx.decommissioning())) {
                m.registry.setDraining(id);
            }
            m.safeMode.enter();
            m.locks.grace(); // mounts get a full session lifetime to renew with this master
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            Guards guards = new Guards(m.auth);
            MasterMetrics.register(m.metrics.registry(), store, m.registry, m.repair, m.safeMode);
            m.http = HttpServer.builder("master")
                    .groups(MasterApi.groups(new MasterApi.Services(m.namespace, m.chunkLists, m.membership, m.repair,
                            m.admin, m.tokens, m.clusterKey, m.clusterId, m.events), guards))
                    .group("locks", guards.locks(), MasterApi.locks(m.locks, m.namespace))
                    .group("metrics", guards.clusterView(), m.metrics.route())
                    .group("page", Guard.OPEN, MasterApi.statusPage(m.admin, m.repair, m.safeMode, m.auth,
                            m.events::recent, m::url, System.currentTimeMillis()))
                    .groups(extra)
                    .metrics(m.metrics)
                    .stopTimeout(STOP_TIMEOUT)
                    .transport(config.transport())
                    .start(config.bind(), config.port());
        } catch (CairnException e) {
            store.close();
            throw e;
        } catch (IOException | RuntimeException e) {
            store.close();
            throw new CairnException(ErrorCode.EIO, e.getMessage(), e);
        }
        m.repair.start();
        m.sweeper.scheduleWithFixedDelay(m::sweep, SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        m.sweeper.scheduleWithFixedDelay(m::sweepSessions, SESSIONS_EVERY.toMillis(), SESSIONS_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        m.sweeper.scheduleWithFixedDelay(m::watch, WATCH_EVERY.toMillis(), WATCH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("master of cluster {} listening on {} (data in {})", m.clusterId, m.url(), config.dataDir());
        return m;
    }

    /**
     * Datanodes that registered before this master needed credentials keep their ids and chunks, but
     * must enroll before they can register again: one line says how.
     */
    private void tellOfUnenrolledNodes() throws IOException {
        List<String> old = store.read(tx -> {
            List<String> out = new java.util.ArrayList<>();
            for (var n : tx.nodes()) {
                if (tx.enrolledAt(n.id()) == null) {
                    out.add(n.id());
                }
            }
            return out;
        });
        if (!old.isEmpty()) {
            LOG.warn("{} datanode(s) joined before this cluster needed credentials ({}): for each, make a join token"
                    + " (cairn admin join-token --node ID --out FILE) and restart it with --join-token-file FILE;"
                    + " it keeps its id and its chunks", old.size(), String.join(", ", old));
        }
    }

    /** Forgets leases whose writers are long gone, answers too old to be asked for again, ended tokens. */
    private void sweep() {
        try {
            int l = leases.sweep();
            int a = replays.sweep();
            int t = tokens.sweep();
            int n = auth.forgetLapsed();
            if (l + a + t + n > 0) {
                LOG.debug("forgot {} lapsed lease(s), {} old answer(s), {} ended token(s), {} old nonce(s)", l, a, t, n);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("sweeping lapsed leases and old answers failed: {}", e.toString());
        }
    }

    /** Ends the sessions of mounts that stopped renewing them, releasing their locks. */
    private void sweepSessions() {
        try {
            locks.sweep();
        } catch (IOException | RuntimeException e) {
            LOG.warn("ending lapsed mount sessions failed: {}", e.toString());
        }
    }

    private void watch() {
        try {
            watch.check();
        } catch (RuntimeException e) {
            LOG.warn("watching the datanodes' states failed: {}", e.toString());
        }
    }

    /** The cluster id kept in the store, made on the first start. */
    private static String clusterId(MetadataStore store) throws IOException {
        String fresh = UUID.randomUUID().toString(); // made outside the body: a retried body keeps it
        String id = store.write(tx -> {
            String have = tx.meta("cluster_id");
            if (have == null) {
                tx.setMeta("cluster_id", fresh);
                return fresh;
            }
            return have;
        });
        if (id.equals(fresh)) {
            LOG.info("created new cluster {}", id);
        }
        return id;
    }

    public int port() {
        return http.port();
    }

    public String url() {
        String host = config.bind();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return config.transport().scheme() + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    public String clusterId() {
        return clusterId;
    }

    /** The file that holds the cluster key, in the data directory. */
    public java.nio.file.Path clusterKeyFile() {
        return config.dataDir().resolve(ClusterKey.FILE);
    }

    /** The file the first admin token was written to, in the data directory. */
    public java.nio.file.Path adminTokenFile() {
        return config.dataDir().resolve(TokenStore.ADMIN_TOKEN_FILE);
    }

    /** The tokens of this cluster (tests and the demo make their tokens here). */
    public TokenStore tokens() {
        return tokens;
    }

    /** The cluster's events (a status page shows {@link Events#recent}). */
    public Events events() {
        return events;
    }

    /** Every route served, with its group, body limit and guard. */
    public List<Route> routes() {
        return http.routes();
    }

    /** Every datanode with its state and replica count (for tests and the demo; clients ask GET /api/v1/nodes). */
    public List<NodeInfo> nodes() throws IOException {
        return admin.nodes();
    }

    /** Stops the sweeper and repair, then serving (requests under way get {@link #STOP_TIMEOUT} to finish), then makes every commit durable and closes the store. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        repair.close();
        if (http != null) {
            http.close();
            http = null;
        }
        try {
            store.barrier(); // a clean stop leaves everything committed durable
        } catch (IOException | RuntimeException e) {
            LOG.warn("the last metadata barrier failed: {}", e.toString());
        }
        store.close();
    }
}
