package io.cairn.mount.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.Response;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The latency of every HTTP call the mount makes, from its start to the last byte of its answer, by
 * target (the master, or a datanode), method and outcome: {@code ok} (2xx), {@code error} (the
 * server answered with an error) or {@code failed} (no answer: refused, reset, timed out).
 * An OkHttp event listener: it observes calls and changes nothing about them.
 */
final class RemoteCalls implements EventListener.Factory {
    private static final String[] TARGETS = {"master", "datanode"};
    private static final String[] METHODS = {"GET", "PUT", "POST", "DELETE", "HEAD", "other"};
    private static final String[] OUTCOMES = {"ok", "error", "failed"};

    private final Histogram latency;
    private final HttpUrl master;
    /** Data points by target, method and outcome, made on first use. */
    private final AtomicReferenceArray<DistributionDataPoint> points =
            new AtomicReferenceArray<>(TARGETS.length * METHODS.length * OUTCOMES.length);

    RemoteCalls(PrometheusRegistry registry, String masterUrl) {
        this.master = HttpUrl.parse(masterUrl);
        this.latency = Histogram.builder().name("cairn_mount_remote_call_duration_seconds")
                .help("Time of the mount's HTTP calls to the master and to datanodes, to the end of the answer")
                .labelNames("target", "method", "outcome")
                .classicOnly().classicUpperBounds(Latency.BUCKETS).register(registry);
    }

    @Override
    public EventListener create(Call call) {
        HttpUrl url = call.request().url();
        boolean toMaster = master != null && master.port() == url.port() && master.host().equalsIgnoreCase(url.host());
        return new Timed(toMaster ? 0 : 1, method(call.request().method()));
    }

    private static int method(String m) {
        for (int i = 0; i < METHODS.length - 1; i++) {
            if (METHODS[i].equals(m)) {
                return i;
            }
        }
        return METHODS.length - 1;
    }

    private DistributionDataPoint point(int target, int method, int outcome) {
        int i = (target * METHODS.length + method) * OUTCOMES.length + outcome;
        DistributionDataPoint p = points.get(i);
        if (p == null) {
            p = latency.labelValues(TARGETS[target], METHODS[method], OUTCOMES[outcome]);
            points.set(i, p);
        }
        return p;
    }

    /** One call's timing. OkHttp calls a listener from one thread at a time. */
    private final class Timed extends EventListener {
        private final int target;
        private final int method;
        private long start;
        private int status;

        Timed(int target, int method) {
            this.target = target;
            this.method = method;
        }

        @Override
        public void callStart(Call call) {
            start = System.nanoTime();
        }

        @Override
        public void responseHeadersEnd(Call call, Response response) {
            status = response.code();
        }

        @Override
        public void callEnd(Call call) {
            done(status >= 200 && status < 300 ? 0 : 1);
        }

        @Override
        public void callFailed(Call call, IOException e) {
            done(2);
        }

        private void done(int outcome) {
            point(target, method, outcome).observe(Latency.seconds(System.nanoTime() - start));
        }
    }
}
