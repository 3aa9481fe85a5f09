package io.cairn.master.cluster;

import io.cairn.common.wire.FileType;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.repair.Repair;
import io.cairn.master.repair.SafeMode;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The master's own metrics, read when they are scraped: what the namespace holds (one read
 * transaction per scrape, kept for a second so that the gauges of one scrape agree), the health
 * the repair sweep found, the datanodes by state, safe mode, and the time of every metadata
 * transaction with its retries.
 */
public final class MasterMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(MasterMetrics.class);
    /** How long one reading of the namespace's counts serves scrapes. */
    private static final long COUNTS_FOR_MS = 1000;
    private static final double[] TX_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1, 5};

    /** What the namespace holds, at one moment. */
    record Counts(long files, long dirs, long chunks, long bytes, long garbage) {
    }

    private final MetadataStore store;
    private Counts counts;
    private long countsAt;

    private MasterMetrics(MetadataStore store) {
        this.store = store;
    }

    /** Registers the master's metrics in {@code registry} and has the store report its transactions. */
    public static void register(PrometheusRegistry registry, MetadataStore store, NodeRegistry nodes, Repair repair,
                                SafeMode safeMode) {
        MasterMetrics m = new MasterMetrics(store);
        m.countGauge(registry, "cairn_files", "Regular files in the namespace", Counts::files);
        m.countGauge(registry, "cairn_directories", "Directories in the namespace, the root included", Counts::dirs);
        m.countGauge(registry, "cairn_chunks", "Chunks that files use (each stored on several datanodes)",
                Counts::chunks);
        m.countGauge(registry, "cairn_file_bytes", "The sum of every file's size, before replication", Counts::bytes);
        m.countGauge(registry, "cairn_garbage_replicas", "Chunk copies waiting to be deleted from datanodes",
                Counts::garbage);
        GaugeWithCallback.builder().name("cairn_chunks_under_replicated")
                .help("Chunks with fewer good copies than the replication, but one at least, at the last whole sweep")
                .callback(cb -> cb.call(repair.health().underReplicated())).register(registry);
        GaugeWithCallback.builder().name("cairn_chunks_missing")
                .help("Chunks without a good copy on a live datanode, at the last whole sweep")
                .callback(cb -> cb.call(repair.health().missing())).register(registry);
        GaugeWithCallback.builder().name("cairn_replicas_corrupt")
                .help("Copies found bad (by a scrubber or a reader) and not yet replaced")
                .callback(cb -> cb.call(repair.badReplicas())).register(registry);
        GaugeWithCallback.builder().name("cairn_repair_queue")
                .help("Copy orders waiting for a datanode or under way")
                .callback(cb -> cb.call(repair.backlog())).register(registry);
        CounterWithCallback.builder().name("cairn_repair_copies_ordered").help("Chunk copies ordered since start")
                .callback(cb -> cb.call(repair.copiesOrdered())).register(registry);
        CounterWithCallback.builder().name("cairn_repair_copies_done")
                .help("Chunk copies ordered since start that are now in place")
                .callback(cb -> cb.call(repair.copiesDone())).register(registry);
        GaugeWithCallback.builder().name("cairn_safe_mode")
                .help("1 while the master waits for datanodes to report their chunks, else 0")
                .callback(cb -> cb.call(safeMode.active() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("cairn_datanodes")
                .help("Datanodes by state: live, dead; and of the live ones, full and draining")
                .labelNames("state")
                .callback(cb -> {
                    ClusterAdmin.Capacity c = ClusterAdmin.capacity(nodes);
                    cb.call(c.live(), "live");
                    cb.call(c.dead(), "dead");
                    cb.call(c.full(), "full");
                    cb.call(c.draining(), "draining");
                }).register(registry);
        GaugeWithCallback.builder().name("cairn_capacity_bytes")
                .help("Bytes the live datanodes may store, and of those used").labelNames("kind")
                .callback(cb -> {
                    ClusterAdmin.Capacity c = ClusterAdmin.capacity(nodes);
                    cb.call(c.capacity(), "total");
                    cb.call(c.used(), "used");
                }).register(registry);
        store.observe(new StoreTimes(registry));
    }

    private void countGauge(PrometheusRegistry registry, String name, String help, ToDoubleFunction<Counts> value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
            Counts c = counts();
            if (c != null) {
                cb.call(value.applyAsDouble(c));
            }
        }).register(registry);
    }

    /** The namespace's counts, read at most once a second; null when the store cannot be read. */
    private synchronized Counts counts() {
        long now = System.currentTimeMillis();
        if (counts == null || now - countsAt >= COUNTS_FOR_MS) {
            try {
                counts = store.read(tx -> new Counts(tx.countInodes(FileType.FILE), tx.countInodes(FileType.DIR),
                        tx.countChunks(), tx.fileBytes(), tx.countGarbage()));
                countsAt = now;
            } catch (IOException | RuntimeException e) {
                LOG.warn("metrics: cannot count the namespace: {}", e.toString());
                return null;
            }
        }
        return counts;
    }

    /** Transaction times and retries, with their data points looked up once. */
    private static final class StoreTimes implements MetadataStore.Observer {
        private final List<DistributionDataPoint> times; // read ok, read error, write ok, write error
        private final CounterDataPoint readRetries;
        private final CounterDataPoint writeRetries;

        StoreTimes(PrometheusRegistry registry) {
            Histogram h = Histogram.builder().name("cairn_meta_transaction_duration_seconds")
                    .help("Time of each metadata transaction, retries included, by kind and outcome")
                    .labelNames("kind", "outcome").classicOnly().classicUpperBounds(TX_BUCKETS).register(registry);
            times = List.of(h.labelValues("read", "ok"), h.labelValues("read", "error"), h.labelValues("write", "ok"),
                    h.labelValues("write", "error"));
            Counter r = Counter.builder().name("cairn_meta_transaction_retries")
                    .help("Transaction attempts that failed and were run again, by kind").labelNames("kind")
                    .register(registry);
            readRetries = r.labelValues("read");
            writeRetries = r.labelValues("write");
        }

        @Override
        public void transaction(boolean write, long nanos, boolean ok) {
            times.get((write ? 2 : 0) + (ok ? 0 : 1)).observe(nanos / 1e9);
        }

        @Override
        public void retry(boolean write) {
            (write ? writeRetries : readRetries).inc();
        }
    }
}
