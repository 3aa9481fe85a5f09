package io.cairn.mount.metrics;

import io.cairn.mount.cache.ChunkCache;
import io.cairn.mount.file.DirtyBudget;
import io.cairn.mount.file.UploadCounts;
import io.cairn.mount.meta.Namespace;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import okhttp3.EventListener;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One mount's metrics, in a registry of its own (several mounts in one JVM do not collide), and the
 * small HTTP server that serves them at {@code /metrics} in the Prometheus text format. Counts that
 * the mount keeps anyway (cache hits, dirty buffers, uploads) are read when scraped.
 */
public final class MountMetrics implements AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final FuseOps fuse;
    private final RemoteCalls remote;
    private HTTPServer server;

    /** The metrics of a mount of the cluster whose master is at {@code masterUrl} (to tell its calls from datanodes'). */
    public MountMetrics(String masterUrl) {
        JvmMetrics.builder().register(registry);
        this.fuse = new FuseOps(registry);
        this.remote = new RemoteCalls(registry, masterUrl);
    }

    public FuseOps fuse() {
        return fuse;
    }

    /** For the mount's HTTP client: times every call to the master and the datanodes. */
    public EventListener.Factory remoteCalls() {
        return remote;
    }

    /** Shows what the mount's caches, dirty budget and uploads count, read at each scrape. */
    public void watch(ChunkCache chunks, Namespace ns, DirtyBudget budget, long chunkSize, UploadCounts uploads) {
        CounterWithCallback.builder().name("cairn_mount_cache_hits_total")
                .help("Lookups answered by a cache of the mount: chunk (read cache) or attr (attributes and absent names)")
                .labelNames("cache")
                .callback(cb -> {
                    cb.call(chunks.hits(), "chunk");
                    cb.call(ns.attrHits(), "attr");
                }).register(registry);
        CounterWithCallback.builder().name("cairn_mount_cache_misses_total")
                .help("Lookups a cache of the mount could not answer: chunk (fetched from a datanode) or attr (asked the master)")
                .labelNames("cache")
                .callback(cb -> {
                    cb.call(chunks.misses(), "chunk");
                    cb.call(ns.attrMisses(), "attr");
                }).register(registry);
        GaugeWithCallback.builder().name("cairn_mount_dirty_bytes")
                .help("Memory held by chunk buffers written but not yet safely uploaded, counted as whole chunks")
                .callback(cb -> cb.call((double) (budget.total() - budget.available()) * chunkSize))
                .register(registry);
        GaugeWithCallback.builder().name("cairn_mount_dirty_budget_bytes")
                .help("The most memory chunk buffers not yet uploaded may hold; writers wait beyond it")
                .callback(cb -> cb.call((double) budget.total() * chunkSize))
                .register(registry);
        GaugeWithCallback.builder().name("cairn_mount_uploads_in_flight")
                .help("Chunk uploads to datanodes running now")
                .callback(cb -> cb.call(uploads.inFlight()))
                .register(registry);
        CounterWithCallback.builder().name("cairn_mount_uploads_failed_total")
                .help("Chunk uploads that failed (their buffers are kept and uploaded again)")
                .callback(cb -> cb.call(uploads.failed()))
                .register(registry);
    }

    /** Serves {@code /metrics} on {@code bind}:{@code port} (0: any free port); returns the port. */
    public int serve(String bind, int port) throws IOException {
        server = HTTPServer.builder().hostname(bind).port(port).registry(registry).buildAndStart();
        return server.getPort();
    }

    /** The port {@code /metrics} is served on, or -1 before {@link #serve}. */
    public int port() {
        return server == null ? -1 : server.getPort();
    }

    /** Everything, in the Prometheus text format, as a scrape would get it. */
    public String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Stops serving. */
    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
