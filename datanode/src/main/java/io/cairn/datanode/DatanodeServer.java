package io.cairn.datanode;

import io.cairn.common.wire.Replies;
import io.cairn.datanode.http.ChunkAccess;
import io.cairn.datanode.http.DatanodeApi;
import io.cairn.datanode.http.DatanodePage;
import io.cairn.datanode.http.MonitorAccess;
import io.cairn.datanode.membership.Membership;
import io.cairn.datanode.scrub.Scrubber;
import io.cairn.datanode.store.ChunkStore;
import io.cairn.datanode.store.DataMetrics;
import io.cairn.common.security.NodeKeyRing;
import io.cairn.datanode.membership.Enrollment;
import io.cairn.datanode.store.DataDir;
import io.cairn.common.units.Units;
import io.cairn.server.Group;
import io.cairn.server.Guard;
import io.cairn.server.HttpServer;
import io.cairn.server.Route;
import io.cairn.server.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running datanode: the chunk store of its data directory, served over HTTP, the membership
 * loop that keeps it known to the master, and the scrubber that checks the stored chunks.
 */
public final class DatanodeServer implements AutoCloseable {
    /** This build's version, as the jar's manifest gives it. */
    public static final String VERSION = DatanodeServer.class.getPackage().getImplementationVersion() == null
            ? "0.1.0-SNAPSHOT" : DatanodeServer.class.getPackage().getImplementationVersion();
    /** How long close() lets requests under way finish. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(DatanodeServer.class);

    private final DataDir dir;
    private final HttpServer http;
    private final Membership membership;
    private final String url;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Scrubber scrubber;

    private DatanodeServer(DataDir dir, HttpServer http, Membership membership, Scrubber scrubber, String url) {
        this.dir = dir;
        this.http = http;
        this.membership = membership;
        this.scrubber = scrubber;
        this.url = url;
        this.port = http.port();
    }

    /**
     * Opens the data directory, listens (port 0: any free port), starts the membership loop and the
     * scrubber, and returns once requests are accepted. The master need not be up yet.
     */
    public static DatanodeServer start(DatanodeConfig c) throws IOException {
        return start(c, Scrubber.firstDelayFor(c.scrubInterval()), List.of());
    }

    /**
     * As {@link #start(DatanodeConfig)}, serving {@code extra} route groups beside the datanode's own
     * (tests add one that fails on purpose, to see how every fault is answered).
     */
    public static DatanodeServer start(DatanodeConfig c, List<Group> extra) throws IOException {
        return start(c, Scrubber.firstDelayFor(c.scrubInterval()), extra);
    }

    /**
     * As {@link #start(DatanodeConfig)}, with the scrubber set as given.
     *
     * @deprecated set {@link DatanodeConfig#scrubRate()} and {@link DatanodeConfig#scrubInterval()}
     */
    @Deprecated
    public static DatanodeServer start(DatanodeConfig c, io.cairn.datanode.scrub.ScrubConfig scrub) throws IOException {
        return start(c, scrub, c.reportInterval());
    }

    /**
     * As above, with how often the full chunk report is sent again after registration.
     *
     * @deprecated set {@link DatanodeConfig#scrubRate()}, {@link DatanodeConfig#scrubInterval()} and
     * {@link DatanodeConfig#reportInterval()}
     */
    @Deprecated
    public static DatanodeServer start(DatanodeConfig c, io.cairn.datanode.scrub.ScrubConfig scrub,
                                       Duration reportEvery) throws IOException {
        return start(c.withScrub(scrub.bytesPerSecond(), scrub.interval()).withReportInterval(reportEvery),
                scrub.firstDelay(), List.of());
    }

    private static DatanodeServer start(DatanodeConfig c, Duration firstScrubDelay, List<Group> extra)
            throws IOException {
        c.transport().check("datanode", c.bind()); // before the data directory is opened
        c.checkAdvertisedScheme();
        DataDir dir = DataDir.open(c.dataDir());
        HttpServer http = null;
        Membership membership = null;
        Scrubber scrubber = null;
        try {
            NodeKeyRing nodeKeys = Enrollment.key(dir, c.masterUrl(), c.joinTokenFile(), c.trust());
            ChunkStore store = ChunkStore.open(dir, c.capacity(), c.reserve());
            AtomicReference<String> address = new AtomicReference<>();
            // The scrubber is made first, as the chunk routes hand it what reads find bad; it reports
            // through the membership, made once the port is known, and starts after that.
            AtomicReference<Membership> reportTo = new AtomicReference<>();
            scrubber = new Scrubber(store, ids -> {
                Membership m = reportTo.get();
                return m != null && m.reportBad(ids);
            }, c.scrubRate(), c.scrubInterval(), firstScrubDelay, c.clock());
            ServerMetrics metrics = ServerMetrics.create("datanode", VERSION);
            store.useMetrics(new DataMetrics(metrics.registry()));
            DataMetrics.registerStore(metrics.registry(), store);
            DataMetrics.registerScrubber(metrics.registry(), scrubber);
            ChunkAccess access = new ChunkAccess(dir.nodeId(), dir::nodeKeys, c.clock());
            MonitorAccess monitor = new MonitorAccess(access);
            java.util.function.Supplier<Replies.DatanodeStatus> status = () -> new Replies.DatanodeStatus(dir.nodeId(),
                    dir.clusterId(), address.get(), store.capacity(), store.used(), store.chunks());
            http = HttpServer.builder("datanode")
                    .groups(DatanodeApi.groups(store, status, access, scrubber))
                    .group("metrics", monitor.guard(), metrics.route())
                    .group("page", Guard.OPEN, new DatanodePage(status, store, scrubber, monitor, c::masterUrl))
                    .groups(extra)
                    .metrics(metrics)
                    .stopTimeout(STOP_TIMEOUT)
                    .transport(c.transport())
                    .start(c.bind(), c.port());
            address.set(c.advertisedUrl(http.port()));
            membership = new Membership(dir, nodeKeys, store, address.get(), c.masterUrl(), c.heartbeat(), c.clock(),
                    c.reportInterval(), c.trust());
            reportTo.set(membership);
            membership.monitorTokensTo(monitor::accept);
            Scrubber scrubbing = scrubber;
            membership.scrubFrom(() -> new io.cairn.common.wire.Requests.Scrub(scrubbing.passes(), scrubbing.passChecked(),
                    scrubbing.badFound()));
            membership.start();
            scrubber.start();
            LOG.info("datanode {} at {}: {} chunks ({}) of {} in {}", dir.nodeId(), address.get(), store.chunks(),
                    Units.formatSize(store.used()), Units.formatSize(store.capacity()), dir.root());
            return new DatanodeServer(dir, http, membership, scrubber, address.get());
        } catch (IOException | RuntimeException e) {
            if (scrubber != null) {
                scrubber.close(); // a read may have started its thread
            }
            if (membership != null) {
                membership.close();
            }
            if (http != null) {
                http.close();
            }
            dir.close();
            throw e;
        }
    }

    /** The port listened on (still known after close, so that a restart can take it again). */
    public int port() {
        return port;
    }

    /** Every route served, with its group, body limit and guard. */
    public List<Route> routes() {
        return http.routes();
    }

    /** The URL this datanode advertises to the master and clients. */
    public String url() {
        return url;
    }

    public String nodeId() {
        return dir.nodeId();
    }

    public Path dataDir() {
        return dir.root();
    }

    /** Chunks the scrubber found bad since start (for tests and status). */
    public long scrubbedBad() {
        return scrubber.badFound();
    }

    /** Full scrub passes completed since start. */
    public long scrubPasses() {
        return scrubber.passes();
    }

    /**
     * Stops gracefully: no more scrubbing or heartbeats, requests under way get up to
     * {@link #STOP_TIMEOUT} to finish, then the server stops and the data directory is unlocked.
     * Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            scrubber.close();
            membership.close();
            http.close();
        } finally {
            try {
                dir.close();
            } catch (IOException e) {
                LOG.warn("could not unlock {}: {}", dir.root(), e.getMessage());
            }
        }
        LOG.info("datanode {} stopped", dir.nodeId());
    }
}
