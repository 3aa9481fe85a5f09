package io.cairn.datanode.store;

import io.cairn.datanode.scrub.Scrubber;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A datanode's own metrics: chunks and bytes written, read, deleted and copied from other datanodes,
 * each by outcome; what the scrubber checked and found; and the disk as the store sees it. The
 * request times by route come from the server layer.
 */
public final class DataMetrics {
    private final CounterDataPoint writtenOk;
    private final CounterDataPoint writtenFailed;
    private final CounterDataPoint writtenBytes;
    private final CounterDataPoint readOk;
    private final CounterDataPoint readFailed;
    private final CounterDataPoint readBytes;
    private final CounterDataPoint deletedOk;
    private final CounterDataPoint deletedAbsent;
    private final CounterDataPoint copiedOk;
    private final CounterDataPoint copiedFailed;
    private final CounterDataPoint copiedBytes;

    /** Counters kept but shown nowhere: for stores made by tests. */
    public static DataMetrics unregistered() {
        return new DataMetrics(new PrometheusRegistry());
    }

    public DataMetrics(PrometheusRegistry registry) {
        Counter chunks = Counter.builder().name("cairn_datanode_chunk_ops")
                .help("Chunks written, read, deleted and copied from another datanode, by outcome")
                .labelNames("op", "outcome").register(registry);
        Counter bytes = Counter.builder().name("cairn_datanode_bytes").unit(io.prometheus.metrics.model.snapshots.Unit.BYTES)
                .help("Chunk bytes written, read (sent to callers) and copied from another datanode")
                .labelNames("op").register(registry);
        writtenOk = chunks.labelValues("write", "ok");
        writtenFailed = chunks.labelValues("write", "error");
        readOk = chunks.labelValues("read", "ok");
        readFailed = chunks.labelValues("read", "error");
        deletedOk = chunks.labelValues("delete", "ok");
        deletedAbsent = chunks.labelValues("delete", "absent");
        copiedOk = chunks.labelValues("copy", "ok");
        copiedFailed = chunks.labelValues("copy", "error");
        writtenBytes = bytes.labelValues("write");
        readBytes = bytes.labelValues("read");
        copiedBytes = bytes.labelValues("copy");
    }

    /** Registers the gauges of the store's disk use. */
    public static void registerStore(PrometheusRegistry registry, ChunkStore store) {
        GaugeWithCallback.builder().name("cairn_datanode_disk_bytes")
                .help("The store's space: capacity (what it may hold), used by chunks, reserve (kept free on the"
                        + " disk), in_flight (promised to writes under way) and available for new chunks")
                .labelNames("kind")
                .callback(cb -> {
                    cb.call(store.capacity(), "capacity");
                    cb.call(store.used(), "used");
                    cb.call(store.reserve(), "reserve");
                    cb.call(store.inFlight(), "in_flight");
                    cb.call(store.available(), "available");
                }).register(registry);
        GaugeWithCallback.builder().name("cairn_datanode_stored_chunks").help("Chunks stored on this datanode")
                .callback(cb -> cb.call(store.chunks())).register(registry);
    }

    /** Registers what the scrubber did and found, read from it when scraped. */
    public static void registerScrubber(PrometheusRegistry registry, Scrubber scrubber) {
        CounterWithCallback.builder().name("cairn_datanode_scrub_passes").help("Whole scrub passes since start")
                .callback(cb -> cb.call(scrubber.passes())).register(registry);
        CounterWithCallback.builder().name("cairn_datanode_scrub_checked_chunks")
                .help("Chunks the scrubber checked since start").callback(cb -> cb.call(scrubber.chunksChecked()))
                .register(registry);
        CounterWithCallback.builder().name("cairn_datanode_scrub_checked_bytes")
                .help("Bytes the scrubber read to check chunks since start")
                .callback(cb -> cb.call(scrubber.bytesChecked())).register(registry);
        GaugeWithCallback.builder().name("cairn_datanode_scrub_pass_chunks")
                .help("Chunks the scrub pass under way has checked so far")
                .callback(cb -> cb.call(scrubber.passChecked())).register(registry);
        CounterWithCallback.builder().name("cairn_datanode_checksum_failures")
                .help("Chunks found bad (checksum or size not as stored) by the scrubber or by reads since start")
                .callback(cb -> cb.call(scrubber.badFound())).register(registry);
    }

    public void written(long bytes) {
        writtenOk.inc();
        writtenBytes.inc(bytes);
    }

    public void writeFailed() {
        writtenFailed.inc();
    }

    public void read(long bytes) {
        readOk.inc();
        readBytes.inc(bytes);
    }

    public void readFailed() {
        readFailed.inc();
    }

    public void deleted(boolean existed) {
        (existed ? deletedOk : deletedAbsent).inc();
    }

    public void copied(long bytes) {
        copiedOk.inc();
        copiedBytes.inc(bytes);
    }

    public void copyFailed() {
        copiedFailed.inc();
    }
}
