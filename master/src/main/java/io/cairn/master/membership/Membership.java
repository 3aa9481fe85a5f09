package io.cairn.master.membership;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.events.Events;
import io.cairn.master.lease.Leases;
import io.cairn.master.meta.MetaTx;
import io.cairn.master.meta.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The datanodes' side of the master: registration (with the cluster-id check that keeps a datanode
 * from ever serving the wrong master), chunk reports and heartbeats, whose replies carry work.
 *
 * <p>A node's full report is authoritative for that node: it begins a new generation of the node,
 * every replica it lists is confirmed in that generation, and when it ends, the node's replicas not
 * confirmed or added since it began are forgotten. A part of an older report than the node's newest
 * is refused (ESTALE), so a stale report never undoes a newer change. A report does not bring back a
 * copy whose deletion is queued or under way ({@link Deletions}).
 *
 * <p>A reported chunk that no file uses is an orphan, kept in the store (so a rolled-back or repeated
 * transaction loses nothing, and a restart or a second master sees it); the node is told to delete
 * it once the orphan grace period has passed, still no file uses it and no writer's lease holds it.
 */
public final class Membership {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    private static final int MAX_REPORT = 50_000;
    /** Most confirmed deletions one heartbeat may carry. */
    private static final int MAX_CONFIRMED = 10_000;

    private final MetadataStore store;
    private final NodeRegistry registry;
    private final String clusterId;
    private final Clock clock;
    private final Duration gcGrace;
    private final Duration orphanGrace;
    private final BooleanSupplier safeMode;
    private final Function<String, List<Replies.ReplicateOrder>> orders;
    private final Deletions deletions;
    private final Events events;

    /** Membership with leases of the default length, for a cluster of replication 2. */
    public Membership(MetadataStore store, NodeRegistry registry, String clusterId, Clock clock, Duration gcGrace,
                      Duration orphanGrace,
                      BooleanSupplier safeMode, Function<String, List<Replies.ReplicateOrder>> orders) {
        this(store, registry, clusterId, clock, gcGrace, orphanGrace, safeMode, orders,
                new Leases(store, clock, Duration.ofMinutes(10)), 2);
    }

    /**
     * @param leases      the writers' leases, which keep their uncommitted chunks from being orphans
     * @param replication R: a trimmed copy is deleted only while R other good copies exist
     */
    public Membership(MetadataStore store, NodeRegistry registry, String clusterId, Clock clock, Duration gcGrace,
                      Duration orphanGrace, BooleanSupplier safeMode,
                      Function<String, List<Replies.ReplicateOrder>> orders, Leases leases, int replication) {
        this(store, registry, clusterId, clock, gcGrace, orphanGrace, safeMode, orders, leases, replication,
                Events.discard());
    }

    /** @param events where a datanode's first registration is recorded */
    public Membership(MetadataStore store, NodeRegistry registry, String clusterId, Clock clock, Duration gcGrace,
                      Duration orphanGrace, BooleanSupplier safeMode,
                      Function<String, List<Replies.ReplicateOrder>> orders, Leases leases, int replication,
                      Events events) {
        this.events = events;
        this.deletions = new Deletions(registry, leases, replication);
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
        checkSizes(r.capacity(), r.used(), r.chunks(), r.available());
        store.write(tx -> {
            tx.upsertNode(r.nodeId(), r.address());
            tx.requeueGarbage(r.nodeId()); // a new run of the node: deletions it never confirmed are handed out again
            return null;
        });
        // the registry remembers every node the store has seen: new to it is new to the cluster (told once, even if two race)
        boolean first = registry.register(r.nodeId(), r.address(), r.capacity(), r.used(), r.chunks(), r.available());
        LOG.info("datanode {} registered at {} ({} chunks)", r.nodeId(), r.address(), r.chunks());
        if (first) {
            events.record(Events.REGISTERED, r.nodeId(), null, "datanode " + r.nodeId() + " joined the cluster at "
                    + r.address() + " (" + r.chunks() + " chunks)");
        }
        return new Replies.Registered(clusterId, r.nodeId());
    }

    /** A datanode's numbers are never negative. */
    private static void checkSizes(long capacity, long used, long chunks, Long available) throws CairnException {
        if (capacity < 0 || used < 0 || chunks < 0 || (available != null && available < 0)) {
            throw new CairnException(ErrorCode.EINVAL, "a datanode's capacity, use and chunk count are never negative");
        }
    }

    /** One part of a chunk report; see the class comment and {@link Requests.ChunkReport}. */
    public Replies.Reported report(Requests.ChunkReport r) throws IOException {
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
        String node = r.nodeId();
        long now = clock.millis();
        record Done(Long generation, int forgotten) {
        }
        Done done = store.write(tx -> {
            Long gen = null;
            if (r.isFull()) {
                if (r.generation() == null) {
                    gen = tx.beginReport(node);
                } else {
                    gen = tx.reportGeneration(node);
                    if (gen.longValue() != r.generation()) {
                        throw new CairnException(ErrorCode.ESTALE, "this chunk report of datanode " + node
                                + " (generation " + r.generation() + ") was overtaken by a newer one (" + gen + ")");
                    }
                }
            }
            for (String id : ids) {
                if (!tx.chunkExists(id)) {
                    tx.addOrphan(id, node, now); // a pair seen before keeps its first sighting
                } else if (tx.garbage(id, node) == null) { // a copy being deleted is not brought back
                    tx.addReplica(id, node);
                }
            }
            int forgotten = r.isFull() && r.last() ? tx.dropReplicasBefore(node, gen) : 0;
            return new Done(gen, forgotten);
        });
        if (done.forgotten() > 0) {
            LOG.warn("datanode {} no longer holds {} replica(s) the master counted: forgotten, to be copied again",
                    node, done.forgotten());
        }
        if (r.last()) {
            registry.markReported(node);
        }
        return new Replies.Reported(true, done.generation());
    }

    public Replies.HeartbeatReply heartbeat(Requests.Heartbeat h) throws IOException {
        PathRules.nodeId(h.nodeId());
        checkCluster(h.nodeId(), h.clusterId());
        checkAddress(h.address());
        checkSizes(h.capacity(), h.used(), h.chunks(), h.available());
        if (!registry.heartbeat(h.nodeId(), h.address(), h.capacity(), h.used(), h.chunks(), h.available())) {
            throw new CairnException(ErrorCode.EUNKNOWNNODE, "datanode " + h.nodeId() + " is not registered with this master");
        }
        if (h.scrub() != null && h.scrub().passes() >= 0 && h.scrub().passChecked() >= 0 && h.scrub().badFound() >= 0) {
            registry.scrubbed(h.nodeId(), h.scrub());
        }
        List<String> confirmed = h.deleted() == null ? List.of() : h.deleted();
        if (confirmed.size() > MAX_CONFIRMED) {
            throw new CairnException(ErrorCode.EINVAL, "at most " + MAX_CONFIRMED + " confirmed deletions per heartbeat");
        }
        for (String id : confirmed) {
            PathRules.chunkId(id);
        }
        if (safeMode.getAsBoolean()) {
            if (!confirmed.isEmpty()) {
                store.write(tx -> {
                    deletions.confirm(tx, h.nodeId(), confirmed);
                    return null;
                });
            }
            return new Replies.HeartbeatReply(List.of(), List.of()); // nothing is deleted or copied in safe mode
        }
        java.time.Instant before = clock.instant().minus(gcGrace);
        long beforeNs = before.getEpochSecond() * 1_000_000_000L + before.getNano();
        long nowMs = clock.millis();
        long orphanBefore = nowMs - orphanGrace.toMillis();
        List<String> delete = store.write(tx -> {
            deletions.confirm(tx, h.nodeId(), confirmed);
            return deletions.handOut(tx, h.nodeId(), beforeNs, orphanBefore, nowMs);
        });
        if (!delete.isEmpty()) {
            // the transactions that made this garbage (and this hand-out) must outlive a power cut before
            // a copy goes: otherwise the database could come back naming chunks already deleted
            store.barrier();
        }
        return new Replies.HeartbeatReply(delete, orders.apply(h.nodeId()));
    }
}
