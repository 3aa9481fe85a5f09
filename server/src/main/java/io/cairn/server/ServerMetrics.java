package io.cairn.server;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.javalin.http.Context;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The metrics of one server (a master or a datanode): a registry of its own, so that servers
 * sharing a JVM (the demo, tests) keep theirs apart; the JVM's metrics; and the time of every
 * request by method, route (as routed, {@code /api/v1/chunks/{id}}, so the label set stays small)
 * and status. {@link #route} serves it all at {@code GET /metrics} in Prometheus's text format.
 */
public final class ServerMetrics {
    /** The path of the metrics route. */
    public static final String PATH = "/metrics";
    /** Route label of a request that matched no route. */
    static final String UNMATCHED = "unmatched";
    private static final String ROUTE = "cairn.route";
    /** A scrape larger than this is refused rather than built in memory (it is a few hundred KB). */
    private static final int MAX_SCRAPE = 16 << 20;
    /** Request-time buckets, 0.5 ms to 30 s. */
    private static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
            5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram requests;
    private final ConcurrentMap<String, DistributionDataPoint> points = new ConcurrentHashMap<>();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private ServerMetrics(String role, String version) {
        JvmMetrics.builder().register(registry);
        requests = Histogram.builder()
                .name("cairn_http_request_duration_seconds")
                .help("Time from a request's arrival to its reply's end, by method, route and status code")
                .labelNames("method", "route", "code")
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .register(registry);
        Info.builder().name("cairn_build_info").help("The role and version of this process")
                .labelNames("role", "version").register(registry).setLabelValues(role, version);
    }

    /** The metrics of a server that calls itself {@code role}, at {@code version}. */
    public static ServerMetrics create(String role, String version) {
        return new ServerMetrics(Objects.requireNonNull(role, "role"), Objects.requireNonNull(version, "version"));
    }

    /** Where the server's own parts (store, namespace, chunk store) register their metrics. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Notes which route a request matched: the label its time is kept under. */
    static void matched(Context ctx, Route route) {
        ctx.attribute(ROUTE, route.path());
    }

    /** Records one finished request (called once per request, after its reply). */
    void record(Context ctx, float millis) {
        String route = ctx.attribute(ROUTE);
        String key = ctx.method().name() + ' ' + (route == null ? UNMATCHED : route) + ' ' + ctx.statusCode();
        points.computeIfAbsent(key, k -> requests.labelValues(ctx.method().name(), route == null ? UNMATCHED : route,
                Integer.toString(ctx.statusCode()))).observe(millis / 1000.0);
    }

    /** The whole registry in Prometheus's text format (version 0.0.4). */
    public byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 << 10);
        writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        if (out.size() > MAX_SCRAPE) {
            throw new CairnException(ErrorCode.EIO, "the metrics came to " + out.size() + " bytes, over the limit of "
                    + MAX_SCRAPE);
        }
        return out.toByteArray();
    }

    /** {@code GET /metrics}: install it in a group whose guard lets monitoring in. */
    public RouteGroup route() {
        return r -> r.get(PATH, ctx -> ctx.status(200).contentType(PrometheusTextFormatWriter.CONTENT_TYPE)
                .result(scrape()));
    }
}
