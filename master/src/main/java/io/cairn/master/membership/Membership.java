package io.cairn.master.membership;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.meta.MetaTx;
import io.cairn.master.meta.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The datanodes' side of the master: registration (with the cluster-id check that keeps a datanode
 * from ever serving the wrong master), chunk reports and heartbeats, whose replies carry work.
 * A reported chunk that no file uses is an orphan, kept in the store (so a rolled-back or repeated
 * transaction loses nothing, and a restart or a second master sees it); the node is told to delete
 * it once the orphan grace period has passed and still no file uses it.
 */
public final class Membership {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    private static final int MAX_REPORT = 50_000;
    private static final int DELETE_BATCH = 1000;

    private final MetadataStore store;
    private final NodeRegistry registry;
    private final String clusterId;
    private final Clock clock;
    private final Duration gcGrace;
    private final Duration orphanGrace;
    private final BooleanSupplier safeMode;
    private final Function<String, List<Replies.ReplicateOrder>> orders;

    public Membership(MetadataStore store, NodeRegistry registry, String clusterId, Clock clock, Duration gcGrace,
                      Duration orphanGrace,
                      BooleanSupplier safeMode, Function<String, List<Replies.ReplicateOrder>> orders) {
        this.store = store;
        this.registry = registry;
        this.clusterId = clusterId;
        this.clock = clock;
        this.gcGrace = gcGrace;
        this.orphanGrace = orphanGrace;
        this.safeMode = safeMode;
        this.orders = orders;
    }

    /** Loads the datanodes known from earlier runs (they show as dead until they report in). */
    public void load() throws IOException {
        for (MetaTx.NodeRow n : store.read(MetaTx::nodes)) {
            registry.remember(n.id(), n.address());
        }
    }

    private void checkCluster(String nodeId, String theirs) throws CairnException {
        if (theirs != null && !theirs.equals(clusterId)) {
            throw new CairnException(ErrorCode.ECLUSTER, "datanode " + nodeId + " belongs to cluster " + theirs
                    + ", but this master is cluster " + clusterId + "; refusing it");
        }
    }

    static String checkAddress(String address) throws CairnException {
        try {
            URI u = new URI(address);
            if (address.length() > 512 || u.getHost() == null || u.getPort() <= 0
                    || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                throw new CairnException(ErrorCode.EINVAL, "bad datanode address: " + address);
            }
            return address;
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new CairnException(ErrorCode.EINVAL, "bad datanode address: " + address);
        }
    }

    public Replies.Registered register(Requests.Register r) throws IOException {
        PathRules.nodeId(r.nodeId());
        checkCluster(r.nodeId(), r.clusterId());
        checkAddress(r.address());
        store.write(tx -> {
            tx.upsertNode(r.nodeId(), r.address());
            return null;
        });
        registry.register(r.nodeId(), r.address(), r.capacity(), r.used(), r.chunks(), r.available());
        LOG.info("datanode {} registered at {} ({} chunks)", r.nodeId(), r.address(), r.chunks());
        return new Replies.Registered(clusterId, r.nodeId());
    }

    public void report(Requests.ChunkReport r) throws IOException {
        PathRules.nodeId(r.nodeId());
        checkCluster(r.nodeId(), r.clusterId());
        List<String> ids = r.chunkIds() == null ? List.of() : r.chunkIds();
        if (ids.size() > MAX_REPORT) {
            throw new CairnException(ErrorCode.EFBIG, "at most " + MAX_REPORT + " chunk ids per report");
        }
        if (registry.address(r.nodeId()) == null) {
            throw new CairnException(ErrorCode.EUNKNOWNNODE, "datanode " + r.nodeId() + " must register first");
        }
        for (String id : ids) {
            PathRules.chunkId(id);
        }
        long now = clock.millis();
        store.write(tx -> {
            for (String id : ids) {
                if (tx.chunkExists(id)) {
                    tx.addReplica(id, r.nodeId());
                } else {
                    tx.addOrphan(id, r.nodeId(), now); // a pair seen before keeps its first sighting
                }
            }
            return null;
        });
        if (r.last()) {
            registry.markReported(r.nodeId());
        }
    }

    public Replies.HeartbeatReply heartbeat(Requests.Heartbeat h) throws IOException {
        PathRules.nodeId(h.nodeId());
        checkCluster(h.nodeId(), h.clusterId());
        checkAddress(h.address());
        if (!registry.heartbeat(h.nodeId(), h.address(), h.capacity(), h.used(), h.chunks(), h.available())) {
            throw new CairnException(ErrorCode.EUNKNOWNNODE, "datanode " + h.nodeId() + " is not registered with this master");
        }
        if (safeMode.getAsBoolean()) {
            return new Replies.HeartbeatReply(List.of(), List.of()); // nothing is deleted or copied in safe mode
        }
        java.time.Instant before = clock.instant().minus(gcGrace);
        long beforeNs = before.getEpochSecond() * 1_000_000_000L + before.getNano();
        long orphanBefore = clock.millis() - orphanGrace.toMillis();
        List<String> delete = store.write(tx -> {
            List<String> out = new ArrayList<>(tx.takeGarbage(h.nodeId(), beforeNs, DELETE_BATCH));
            for (String chunk : tx.takeOrphans(h.nodeId(), orphanBefore, DELETE_BATCH)) {
                if (!tx.chunkExists(chunk)) { // still unused after the grace period: a write that never committed
                    out.add(chunk);
                }
            }
            return out;
        });
        return new Replies.HeartbeatReply(delete, orders.apply(h.nodeId()));
    }
}
