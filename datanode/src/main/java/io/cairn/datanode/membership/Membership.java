package io.cairn.datanode.membership;

import io.cairn.common.client.Credentials;
import io.cairn.common.security.NodeKeyRing;
import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.tls.ClientTls;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.datanode.store.ChunkStore;
import io.cairn.datanode.store.DataDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The datanode's membership loop, on its own daemon thread: register with the master (retrying
 * until it answers), check the cluster id (a datanode never serves a master of another cluster),
 * report every chunk it holds, then heartbeat and do the work the replies carry. The full chunk
 * report is sent again every {@code reportInterval} (measured with the clock given): it is what the
 * master believes this node holds (a chunk file that went missing is forgotten there, and copied
 * again), and it tells the master of chunks a client wrote but never committed. A full report asks
 * the master for a new generation first and then lists the chunks under it, so nothing stored
 * meanwhile is missed; a report the master finds overtaken is started over. Deletions the master
 * ordered are confirmed in the next heartbeat. A master that has forgotten this node (it
 * restarted) gets a fresh registration and report.
 */
public final class Membership implements AutoCloseable {
    /** Chunk ids per report message. */
    static final int REPORT_BATCH = 10_000;
    /** Most deletions confirmed in one heartbeat (the rest go with the next). */
    static final int MAX_CONFIRM = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    private static final Duration CLUSTER_RETRY = Duration.ofSeconds(10);

    /** Where the loop is; {@link #REFUSED} is final: the master belongs to another cluster. */
    enum State { REGISTERING, REPORTING, HEARTBEATING, REFUSED, CLOSED }

    /** How often the full chunk report is sent again by default. */
    public static final Duration DEFAULT_REPORT_EVERY = DatanodeConfig.DEFAULT_REPORT_INTERVAL;

    private final DataDir dir;
    private final ChunkStore store;
    private final String address;
    private final Duration heartbeat;
    private final Duration reportInterval;
    private final Clock clock;
    private final Http http;
    private final MasterClient master;
    private final Replicator replicator;
    private volatile java.util.function.Consumer<List<String>> monitorTokens = hashes -> { };
    private volatile java.util.function.Supplier<Requests.Scrub> scrub = () -> null;
    private final Outage outage;
    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile State state = State.REGISTERING;
    /** When the last full report ended, by the clock (only the loop's thread touches it). */
    private long lastReportMs;
    /** Chunks deleted as the master ordered, not yet confirmed to it (only the loop's thread touches it). */
    private final List<String> deleted = new ArrayList<>();

    /**
     * @param address the URL clients and other datanodes reach this datanode at
     */
    public Membership(DataDir dir, byte[] nodeKey, ChunkStore store, String address, String masterUrl,
                      Duration heartbeat, Clock clock) {
        this(dir, nodeKey, store, address, masterUrl, heartbeat, clock, DEFAULT_REPORT_EVERY);
    }

    /**
     * @param reportInterval how often the full chunk report is sent again after registration, so that
     *                       the master learns of chunks a client wrote but never committed (and deletes them)
     * @param nodeKey        the key this datanode signs its calls to the master with (given when it enrolled);
     *                       signatures carry the wall clock's time, whatever {@code clock} is
     */
    public Membership(DataDir dir, byte[] nodeKey, ChunkStore store, String address, String masterUrl,
                      Duration heartbeat, Clock clock, Duration reportInterval) {
        this(dir, nodeKey, store, address, masterUrl, heartbeat, clock, reportInterval, ClientTls.JVM_DEFAULT);
    }

    /** As above, trusting {@code tls} when it calls an https:// master or datanode. */
    public Membership(DataDir dir, byte[] nodeKey, ChunkStore store, String address, String masterUrl,
                      Duration heartbeat, Clock clock, Duration reportInterval, ClientTls tls) {
        this(dir, NodeKeyRing.of(nodeKey), store, address, masterUrl, heartbeat, clock, reportInterval, tls);
    }

    /** As above, signing with the newest of {@code nodeKeys} and taking the next key the master gives. */
    public Membership(DataDir dir, NodeKeyRing nodeKeys, ChunkStore store, String address, String masterUrl,
                      Duration heartbeat, Clock clock, Duration reportInterval, ClientTls tls) {
        if (reportInterval.isNegative() || reportInterval.isZero()) {
            throw new IllegalArgumentException("report interval must be positive, not " + reportInterval);
        }
        this.reportInterval = reportInterval;
        this.clock = clock;
        this.dir = dir;
        this.store = store;
        this.address = address;
        this.heartbeat = heartbeat;
        this.http = new Http(Duration.ofSeconds(10),
                Credentials.node(masterUrl, dir.nodeId(), nodeKeys, Clock.systemUTC()), tls, masterUrl);
        this.master = new MasterClient(http, masterUrl);
        this.replicator = new Replicator(store, http, master, dir.nodeId());
        this.outage = new Outage(clock, 10);
        this.thread = new Thread(this::run, "cairn-datanode-membership");
        this.thread.setDaemon(true);
    }

    /** Sends what {@code from} says of the scrubber with every heartbeat. */
    public void scrubFrom(java.util.function.Supplier<Requests.Scrub> from) {
        this.scrub = java.util.Objects.requireNonNull(from, "from");
    }

    /** Hands the metrics-token hashes of each heartbeat reply to {@code to} (the guard of /metrics). */
    public void monitorTokensTo(java.util.function.Consumer<List<String>> to) {
        this.monitorTokens = java.util.Objects.requireNonNull(to, "to");
    }

    public void start() {
        thread.start();
    }

    State state() {
        return state;
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** Waits, or returns early (false) when closed. */
    private boolean pause(Duration d) {
        try {
            return !closed.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void run() {
        while (!isClosed() && !Thread.currentThread().isInterrupted()) {
            try {
                switch (state) {
                    case REGISTERING -> register();
                    case REPORTING -> report();
                    case HEARTBEATING -> {
                        heartbeat();
                        if (clock.millis() - lastReportMs >= reportInterval.toMillis()) {
                            state = State.REPORTING; // the periodic full report
                        } else {
                            pause(heartbeat);
                        }
                    }
                    default -> {
                        return;
                    }
                }
            } catch (CairnException e) {
                failed(e);
            } catch (IOException e) {
                if (isClosed()) {
                    break;
                }
                unreachable(e);
            } catch (RuntimeException e) {
                LOG.error("membership step {} failed", state, e);
                pause(backoff.next());
            }
        }
        if (state != State.REFUSED) {
            state = State.CLOSED;
        }
    }

    private void register() throws IOException {
        Replies.Registered r = master.register(new Requests.Register(dir.nodeId(), dir.clusterId(), address,
                store.capacity(), store.used(), store.chunks(), store.available()));
        String mine = dir.clusterId();
        if (r == null || r.clusterId() == null) {
            throw new CairnException(ErrorCode.EIO, "master " + master.url() + " sent no cluster id");
        }
        if (mine != null && !mine.equals(r.clusterId())) {
            LOG.error("datanode {} belongs to cluster {}; master {} is cluster {}; refusing to serve it",
                    dir.nodeId(), mine, master.url(), r.clusterId());
            state = State.REFUSED;
            return;
        }
        if (mine == null) {
            dir.saveClusterId(r.clusterId());
            LOG.info("datanode {} joined cluster {}", dir.nodeId(), r.clusterId());
        }
        outage.ended();
        backoff.reset();
        LOG.info("datanode {} registered with master {} as {} ({} chunks)", dir.nodeId(), master.url(), address,
                store.chunks());
        state = State.REPORTING;
    }

    /**
     * Starts a full report (the master answers its generation), then sends every chunk id under it,
     * {@link #REPORT_BATCH} at a time; the last message says so.
     */
    private void report() throws IOException {
        String cluster = dir.clusterId();
        Replies.Reported begun = master.report(new Requests.ChunkReport(dir.nodeId(), cluster, List.of(), false, true,
                null));
        if (begun == null || begun.generation() == null) {
            throw new CairnException(ErrorCode.EIO, "master " + master.url() + " began no chunk report generation");
        }
        try (Stream<String> ids = store.ids()) { // listed only now: whatever was stored before is in it
            Iterator<String> it = ids.iterator();
            do {
                List<String> batch = new ArrayList<>(REPORT_BATCH);
                while (batch.size() < REPORT_BATCH && it.hasNext()) {
                    batch.add(it.next());
                }
                master.report(new Requests.ChunkReport(dir.nodeId(), cluster, batch, !it.hasNext(), true,
                        begun.generation()));
            } while (it.hasNext());
        }
        lastReportMs = clock.millis();
        state = State.HEARTBEATING;
    }

    private void heartbeat() throws IOException {
        List<String> confirming = List.copyOf(deleted.subList(0, Math.min(deleted.size(), MAX_CONFIRM)));
        Replies.HeartbeatReply reply = master.heartbeat(new Requests.Heartbeat(dir.nodeId(), dir.clusterId(), address,
                store.capacity(), store.used(), store.chunks(), store.available(), confirming, scrub.get()));
        deleted.subList(0, confirming.size()).clear(); // the master has heard of these
        if (outage.ended()) {
            LOG.info("master {} answers again", master.url());
        }
        if (reply == null) {
            return;
        }
        if (reply.deleteChunks() != null) {
            for (String id : reply.deleteChunks()) {
                delete(id);
            }
        }
        if (reply.monitorTokens() != null) {
            monitorTokens.accept(reply.monitorTokens());
        }
        replicator.submit(reply.replicate(), dir.clusterId());
    }

    /**
     * Tells the master that these chunks on this node failed their check, so that it has good copies
     * made and then orders these deleted. Returns false, sending nothing, while this datanode is not
     * registered with a master of its cluster (before registration, or refused).
     */
    public boolean reportBad(List<String> chunkIds) throws IOException {
        State s = state;
        if (s != State.REPORTING && s != State.HEARTBEATING) {
            return false;
        }
        master.reportBad(dir.nodeId(), chunkIds);
        return true;
    }

    private void delete(String id) {
        if (!PathRules.isChunkId(id)) {
            LOG.warn("master {} asked to delete a bad chunk id; ignored", master.url());
            return;
        }
        try {
            store.delete(id);
            deleted.add(id); // gone (or never here): confirmed with the next heartbeat
        } catch (IOException e) {
            LOG.warn("could not delete chunk {}: {}", id, e.getMessage());
        }
    }

    /** The master answered, with an error. */
    private void failed(CairnException e) {
        switch (e.code()) {
            case EUNKNOWNNODE -> {
                LOG.info("master {} does not know datanode {} (it restarted?); registering again", master.url(),
                        dir.nodeId());
                state = State.REGISTERING;
            }
            case ECLUSTER -> {
                if (outage.failed()) {
                    LOG.error("master {} refuses datanode {}: {}", master.url(), dir.nodeId(), e.getMessage());
                }
                state = State.REGISTERING;
                pause(CLUSTER_RETRY);
            }
            default -> {
                if (outage.failed()) {
                    LOG.warn("master {} answered {} in state {}: {}", master.url(), e.code(), state, e.getMessage());
                }
                if (state == State.REPORTING) {
                    state = State.REGISTERING; // start the report over
                }
                pause(state == State.HEARTBEATING ? heartbeat : backoff.next());
            }
        }
    }

    /** The master could not be reached. */
    private void unreachable(Exception e) {
        boolean log = outage.failed();
        if (state == State.HEARTBEATING) {
            if (log) {
                LOG.warn("master at {} not reachable for {} s, still trying: {}", master.url(),
                        outage.length().toSeconds(), e.toString());
            }
            pause(heartbeat);
            return;
        }
        if (log) {
            LOG.warn("master at {} not reachable yet, retrying: {}", master.url(), e.toString());
        }
        state = State.REGISTERING;
        pause(backoff.next());
    }

    /** Stops the loop: no more heartbeats. Calls under way are cancelled. */
    @Override
    public void close() {
        closed.countDown();
        http.client().dispatcher().cancelAll();
        replicator.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
        http.client().dispatcher().executorService().shutdown();
        http.client().connectionPool().evictAll();
    }
}
