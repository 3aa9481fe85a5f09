package io.cairn.master;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.ClusterStatus;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.NodeInfo;
import io.cairn.master.http.MasterRoutes;
import io.cairn.master.membership.Membership;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.namespace.ChunkLists;
import io.cairn.master.namespace.Namespace;
import io.cairn.master.repair.Fsck;
import io.cairn.master.repair.Repair;
import io.cairn.master.repair.SafeMode;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.UUID;

/** The master process: metadata store, namespace, placement, membership, and the HTTP API over them. */
public final class MasterServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MasterServer.class);
    public static final String VERSION = MasterServer.class.getPackage().getImplementationVersion() == null
            ? "0.1.0-SNAPSHOT" : MasterServer.class.getPackage().getImplementationVersion();

    private final MasterConfig config;
    private final MetadataStore store;
    private final String clusterId;
    private final NodeRegistry registry;
    private final Namespace namespace;
    private final ChunkLists chunkLists;
    private final Membership membership;
    private final SafeMode safeMode;
    private final Repair repair;
    private final Fsck fsck;
    private Javalin app;

    private MasterServer(MasterConfig config, MetadataStore store, String clusterId) {
        this.config = config;
        this.store = store;
        this.clusterId = clusterId;
        this.registry = new NodeRegistry(config.clock(), config.deadAfter(), config.chunkSize());
        this.chunkLists = new ChunkLists(store, registry, config.clock(), config.chunkSize(), config.replication(),
                config.minReplicas());
        this.namespace = new Namespace(store, config.clock(), chunkLists);
        this.safeMode = new SafeMode(registry, config.clock(), config.safeModeTimeout());
        this.repair = new Repair(store, registry, config.clock(), config.replication(), config.chunkSize(),
                config.repairRate(), java.time.Duration.ofMillis(500), safeMode);
        this.membership = new Membership(store, registry, clusterId, config.clock(), config.gcGrace(), config.orphanGrace(),
                safeMode::active, repair::ordersFor);
        this.fsck = new Fsck(store, registry, config.replication(), safeMode);
    }

    /** Opens (or creates) the metadata in the data directory and starts serving; port 0 takes any free port. */
    public static MasterServer start(MasterConfig config) throws IOException {
        Files.createDirectories(config.dataDir());
        MetadataStore store = JdbcMetadataStore.sqlite(config.dataDir().resolve("meta.db"));
        MasterServer m;
        try {
            String clusterId = store.write(tx -> {
                String id = tx.meta("cluster_id");
                if (id == null) {
                    id = UUID.randomUUID().toString();
                    tx.setMeta("cluster_id", id);
                    LOG.info("created new cluster {}", id);
                }
                return id;
            });
            m = new MasterServer(config, store, clusterId);
            m.namespace.init();
            m.membership.load();
            for (String id : store.read(tx -> tx.decommissioning())) {
                m.registry.setDraining(id);
            }
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            m.app = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.startup.showOldJavalinVersionWarning = false;
                cfg.http.compressionStrategy = io.javalin.compression.CompressionStrategy.NONE; // chunks do not compress
                cfg.http.maxRequestSize = 16L << 20;
                MasterRoutes.install(cfg, m);
            }).start(config.bind(), config.port());
        } catch (RuntimeException e) {
            store.close();
            throw new CairnException(ErrorCode.EIO, "cannot listen on " + config.bind() + ":" + config.port() + ": "
                    + rootMessage(e), e);
        }
        m.repair.start();
        LOG.info("master of cluster {} listening on {} (data in {})", m.clusterId, m.url(), config.dataDir());
        return m;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    public int port() {
        return app.port();
    }

    public String url() {
        String host = config.bind();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    public String clusterId() {
        return clusterId;
    }

    public MasterConfig config() {
        return config;
    }

    public Namespace namespace() {
        return namespace;
    }

    public ChunkLists chunkLists() {
        return chunkLists;
    }

    public NodeRegistry registry() {
        return registry;
    }

    public Membership membership() {
        return membership;
    }

    public MetadataStore store() {
        return store;
    }

    public Repair repair() {
        return repair;
    }

    public Fsck fsck() {
        return fsck;
    }

    public SafeMode safeMode() {
        return safeMode;
    }

    /** Every datanode with its state and the replicas recorded on it. */
    public java.util.List<NodeInfo> nodes() throws IOException {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        store.read(tx -> {
            for (var n : tx.nodes()) {
                counts.put(n.id(), tx.countReplicasOn(n.id()));
            }
            return null;
        });
        return registry.describe(id -> counts.getOrDefault(id, 0L));
    }

    /** Takes a datanode out of placement and has its replicas copied elsewhere, then dropped. */
    public NodeInfo decommission(String node) throws IOException {
        String id = registry.resolve(node);
        if (id == null) {
            throw new CairnException(ErrorCode.ENOENT, "no datanode " + node);
        }
        store.write(tx -> {
            tx.setDecommissioning(id);
            return null;
        });
        registry.setDraining(id);
        LOG.info("decommissioning datanode {}", id);
        return nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    public ClusterStatus status() throws IOException {
        long capacity = 0;
        long used = 0;
        int live = 0;
        int dead = 0;
        for (NodeInfo n : registry.describe(id -> 0)) {
            if ("live".equals(n.state())) {
                live++;
                capacity += n.capacity();
                used += n.used();
            } else {
                dead++;
            }
        }
        long files = store.read(tx -> tx.countInodes(FileType.FILE));
        long inodes = files + store.read(tx -> tx.countInodes(FileType.DIR));
        return new ClusterStatus(clusterId, VERSION, config.chunkSize(), config.replication(), config.minReplicas(),
                capacity, used, live, dead, files, inodes);
    }

    @Override
    public void close() {
        repair.close();
        if (app != null) {
            app.stop();
            app = null;
        }
        store.close();
    }
}
