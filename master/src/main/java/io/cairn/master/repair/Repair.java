package io.cairn.master.repair;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Replies;
import io.cairn.master.events.Events;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.MetaTx;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.security.ChunkTokenMinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The master's repair loop: after safe mode, it plans copies of under-replicated chunks and trims
 * surplus, draining and bad copies. Copy orders wait in a queue per target datanode and leave a few
 * at a time with heartbeat replies, which bounds the repair rate so foreground I/O keeps going.
 *
 * <p>Each round looks at one page of at most {@link #CHUNKS_PER_ROUND} committed chunks after a
 * cursor over chunk ids, and the cursor wraps around at the end: a round's work does not grow with
 * the cluster, and every chunk is looked at once per pass. Reads run on the store's read
 * connections, beside namespace calls; a trim is checked again inside the transaction that queues
 * its deletion, and made only while R other good copies are recorded.
 */
public final class Repair implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Repair.class);
    /** Chunks one round looks at. */
    static final int CHUNKS_PER_ROUND = 10_000;
    private static final int MAX_ORDERS_PER_ROUND = 2_000;

    private final ChunkTokenMinter tokens;
    private final MetadataStore store;
    private final NodeRegistry nodes;
    private final Clock clock;
    private final int replication;
    private final long chunkSize;
    private final int ordersPerHeartbeat;
    private final Duration orderTimeout;
    private final SafeMode safeMode;
    private final Events events;
    private final Map<String, Deque<RepairPlanner.Order>> queues = new ConcurrentHashMap<>();
    /** Chunk id -> millis after which its copy order is given up and planned again. */
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private final Thread thread;
    private final Duration interval;
    private volatile boolean running = true;
    /** Placement's round-robin turn for copy targets. */
    private long turn;
    /** The last chunk id the previous round looked at; null: start from the first. */
    private String cursor;
    /** What the sweep under way has found so far; published as {@link #health} when it ends. */
    private Sweep sweep = new Sweep();
    private volatile Health health = new Health(0, 0, 0, List.of(), 0, false);
    private final java.util.concurrent.atomic.AtomicLong copiesOrdered = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong copiesDone = new java.util.concurrent.atomic.AtomicLong();
    private volatile int badReplicas;

    /** How many chunks affected by under-replication or loss a sweep keeps the ids of. */
    public static final int AFFECTED_KEPT = 100;

    /**
     * What the last whole sweep of the chunk table found: chunks with fewer good copies than the
     * replication (but one at least), chunks without a good copy on a live datanode, the ids of the
     * first {@link #AFFECTED_KEPT} of either, and when the sweep ended ({@code complete} false: no
     * sweep has ended yet, the figures are those of the sweep under way).
     */
    public record Health(long underReplicated, long missing, long pages, List<String> affected, long atMs,
                         boolean complete) {
    }

    private static final class Sweep {
        long under;
        long missing;
        long pages;
        final List<String> affected = new ArrayList<>();
    }

    /** As below, with chunk tokens no datanode accepts: for masters kept in memory by unit tests. */
    public Repair(MetadataStore store, NodeRegistry nodes, Clock clock, int replication, long chunkSize,
                  int ordersPerHeartbeat, Duration interval, SafeMode safeMode) {
        this(store, nodes, clock, replication, chunkSize, ordersPerHeartbeat, interval, safeMode,
                ChunkTokenMinter.throwaway(clock));
    }

    /** @param tokens mints the read token a copier is given for each source of a copy order */
    public Repair(MetadataStore store, NodeRegistry nodes, Clock clock, int replication, long chunkSize,
                  int ordersPerHeartbeat, Duration interval, SafeMode safeMode, ChunkTokenMinter tokens) {
        this(store, nodes, clock, replication, chunkSize, ordersPerHeartbeat, interval, safeMode, tokens,
                Events.discard());
    }

    /** @param events where repair rounds that order copies, copies done and bad replicas are recorded */
    public Repair(MetadataStore store, NodeRegistry nodes, Clock clock, int replication, long chunkSize,
                  int ordersPerHeartbeat, Duration interval, SafeMode safeMode, ChunkTokenMinter tokens,
                  Events events) {
        this.events = events;
        this.tokens = tokens;
        this.store = store;
        this.nodes = nodes;
        this.clock = clock;
        this.replication = replication;
        this.chunkSize = chunkSize;
        this.ordersPerHeartbeat = ordersPerHeartbeat;
        this.interval = interval;
        this.orderTimeout = Duration.ofMinutes(2);
        this.safeMode = safeMode;
        this.thread = new Thread(this::loop, "cairn-repair");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(interval.toMillis());
                runOnce();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                LOG.warn("repair round failed: {}", e.toString());
            }
        }
    }

    /** One planning round over the next page of chunks; does nothing during safe mode. */
    public synchronized void runOnce() throws IOException {
        if (safeMode.active()) {
            return;
        }
        long now = clock.millis();
        pending.values().removeIf(deadline -> deadline < now);
        final String from = cursor;
        List<MetaTx.ChunkReplicas> page = store.read(tx -> tx.chunkReplicas(from, CHUNKS_PER_ROUND));
        cursor = page.size() < CHUNKS_PER_ROUND ? null : page.get(page.size() - 1).id(); // the end: wrap around
        Set<String> bad = new HashSet<>();
        for (String[] b : store.read(Repair::badPairs)) {
            bad.add(b[0] + "/" + b[1]);
        }
        badReplicas = bad.size();
        tally(page, bad, cursor == null, now);
        if (page.isEmpty()) {
            return;
        }
        var snapshot = nodes.snapshot();
        RepairPlanner.Plan plan = RepairPlanner.plan(page, snapshot, replication, bad, pending.keySet(), chunkSize,
                MAX_ORDERS_PER_ROUND, turn);
        turn += plan.orders().size() + 1;
        for (RepairPlanner.Order o : plan.orders()) {
            Deque<RepairPlanner.Order> q = queues.computeIfAbsent(o.target(), k -> new ArrayDeque<>());
            synchronized (q) {
                q.add(o);
            }
            pending.put(o.chunkId(), now + orderTimeout.toMillis());
            nodes.reserve(o.target(), o.size());
        }
        copiesOrdered.addAndGet(plan.orders().size());
        Set<String> healthy = new HashSet<>();
        List<String> repaired = new ArrayList<>();
        for (MetaTx.ChunkReplicas c : page) {
            if (counted(c.id(), c.nodes(), bad) >= replication) {
                healthy.add(c.id());
                if (pending.remove(c.id()) != null) {
                    copiesDone.incrementAndGet();
                    repaired.add(c.id());
                }
            }
        }
        List<RepairPlanner.Trim> trims = plan.trims();
        List<String> clear = new ArrayList<>();
        for (String b : bad) {
            String chunk = b.substring(0, b.indexOf('/'));
            if (healthy.contains(chunk)) {
                clear.add(chunk);
            }
        }
        if (!trims.isEmpty() || !clear.isEmpty()) {
            int trimmed = store.write(tx -> {
                int n = trim(tx, trims);
                for (String chunk : clear) {
                    tx.clearBadReplicas(chunk);
                }
                return n;
            });
            if (trimmed > 0) {
                LOG.info("repair: trimmed {} surplus, draining or bad replicas", trimmed);
            }
        }
        // one event per round, not per chunk: a dead datanode can leave hundreds of thousands of
        // chunks to copy, which would push every other event out of the bounded table
        if (!plan.orders().isEmpty()) {
            LOG.info("repair: {} chunk copies ordered", plan.orders().size());
            String first = plan.orders().get(0).chunkId();
            events.record(Events.REPAIR_STARTED, null, first, "repair: " + plan.orders().size()
                    + " chunk copies ordered (the first of chunk " + first + ")");
        }
        if (!repaired.isEmpty()) {
            events.record(Events.REPAIR_DONE, null, repaired.get(0), "repair: " + repaired.size()
                    + " chunk(s) whose copies were ordered have their replicas again (the first: " + repaired.get(0) + ")");
        }
    }

    /** Adds a page to the sweep under way; the last page of a sweep publishes it and starts the next. */
    private void tally(List<MetaTx.ChunkReplicas> page, Set<String> bad, boolean last, long now) {
        Sweep s = sweep;
        s.pages++;
        for (MetaTx.ChunkReplicas c : page) {
            long good = counted(c.id(), c.nodes(), bad);
            if (good >= replication) {
                continue;
            }
            if (good == 0) {
                s.missing++;
            } else {
                s.under++;
            }
            if (s.affected.size() < AFFECTED_KEPT) {
                s.affected.add(c.id());
            }
        }
        if (last) {
            health = new Health(s.under, s.missing, s.pages, List.copyOf(s.affected), now, true);
            sweep = new Sweep();
        } else if (!health.complete()) {
            health = new Health(s.under, s.missing, s.pages, List.copyOf(s.affected), now, false);
        }
    }

    /** What the last whole sweep found (see {@link Health}). */
    public Health health() {
        return health;
    }

    /** Replicas recorded bad (by a scrubber or a reader) and not yet replaced, as of the last round. */
    public int badReplicas() {
        return badReplicas;
    }

    /** Copy orders made since start. */
    public long copiesOrdered() {
        return copiesOrdered.get();
    }

    /** Copies ordered since start that are now in place (the chunk has its good copies). */
    public long copiesDone() {
        return copiesDone.get();
    }

    /** Copies of {@code chunk} that count: on live, not draining nodes, not known bad. */
    private long counted(String chunk, List<String> holders, Set<String> bad) {
        return holders.stream().filter(n -> nodes.isLive(n) && !nodes.isDraining(n) && !bad.contains(chunk + "/" + n))
                .count();
    }

    /**
     * Queues the deletion of the trimmed copies, each checked again against the replicas recorded
     * now (inside this transaction): a copy goes only while R other good copies remain.
     */
    private int trim(MetaTx tx, List<RepairPlanner.Trim> trims) throws IOException {
        int done = 0;
        Map<String, List<String>> rows = new HashMap<>();
        Map<String, Set<String>> badNodes = new HashMap<>();
        for (RepairPlanner.Trim t : trims) {
            List<String> holders = rows.get(t.chunkId());
            if (holders == null) {
                holders = new ArrayList<>(tx.replicas(t.chunkId()));
                rows.put(t.chunkId(), holders);
                Set<String> b = new HashSet<>();
                for (String n : tx.badNodes(t.chunkId())) {
                    b.add(t.chunkId() + "/" + n);
                }
                badNodes.put(t.chunkId(), b);
            }
            if (!holders.contains(t.node())) {
                continue; // gone meanwhile
            }
            List<String> rest = new ArrayList<>(holders);
            rest.remove(t.node());
            if (counted(t.chunkId(), rest, badNodes.get(t.chunkId())) < replication) {
                continue; // no longer surplus
            }
            tx.deleteReplica(t.chunkId(), t.node());
            tx.addGarbage(t.chunkId(), t.node(), Long.MIN_VALUE / 2); // no grace: a spare copy
            holders.remove(t.node());
            done++;
        }
        return done;
    }

    private static List<String[]> badPairs(MetaTx tx) throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String chunk : tx.badReplicaChunks()) {
            for (String node : tx.badNodes(chunk)) {
                out.add(new String[] {chunk, node});
            }
        }
        return out;
    }

    private long nowNs() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** The copy orders for a datanode's heartbeat reply (a few at a time). */
    public List<Replies.ReplicateOrder> ordersFor(String nodeId) {
        Deque<RepairPlanner.Order> q = queues.get(nodeId);
        if (q == null) {
            return List.of();
        }
        List<Replies.ReplicateOrder> out = new ArrayList<>();
        synchronized (q) {
            while (out.size() < ordersPerHeartbeat && !q.isEmpty()) {
                RepairPlanner.Order o = q.poll();
                List<String> addresses = new ArrayList<>();
                List<String> readTokens = new ArrayList<>();
                for (String s : o.sources()) {
                    String a = nodes.address(s);
                    if (a != null && nodes.isLive(s)) {
                        addresses.add(a);
                        readTokens.add(tokens.mint(s, o.chunkId(), ChunkTokenMinter.READ));
                    }
                }
                if (!addresses.isEmpty()) {
                    out.add(new Replies.ReplicateOrder(o.chunkId(), o.size(), o.crc32c(), addresses, readTokens));
                }
            }
        }
        return out;
    }

    /** Copy orders not yet handed to datanodes plus those under way. */
    public int backlog() {
        return pending.size();
    }

    /** Records replicas found bad; the repair loop replaces them and has the bad copies deleted. */
    public void reportBad(String nodeId, List<String> chunkIds) throws IOException {
        PathRules.nodeId(nodeId);
        if (chunkIds == null || chunkIds.size() > 10_000) {
            throw new CairnException(ErrorCode.EINVAL, "1 to 10000 chunk ids per report");
        }
        for (String id : chunkIds) {
            PathRules.chunkId(id);
        }
        long t = nowNs();
        List<String> recorded = store.write(tx -> {
            List<String> out = new ArrayList<>();
            for (String id : chunkIds) {
                if (tx.replicas(id).contains(nodeId)) {
                    tx.addBadReplica(id, nodeId, t);
                    out.add(id);
                }
            }
            return out;
        });
        LOG.warn("datanode {} holds {} bad replica(s): {}", nodeId, chunkIds.size(),
                chunkIds.size() > 5 ? chunkIds.subList(0, 5) + "..." : chunkIds);
        if (!recorded.isEmpty()) { // one event per report, with the count and the first chunk
            events.record(Events.CORRUPT, nodeId, recorded.get(0), "datanode " + nodeId + " reported "
                    + recorded.size() + " bad replica(s), the first of chunk " + recorded.get(0));
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
