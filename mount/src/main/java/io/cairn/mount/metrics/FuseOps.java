package io.cairn.mount.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What every FUSE callback costs: its latency by op, its errors by op and errno name, and the bytes
 * read and written. Each op's labelled data points are looked up once and kept, so recording a call
 * is a map read on a constant string, one histogram observation and, for reads and writes, one add.
 */
public final class FuseOps {
    private static final FuseOps OFF = new FuseOps();
    /** Errnos above this are counted under {@code errno_N} without a cached data point. */
    private static final int MAX_ERRNO = 160;

    private final Histogram latency;
    private final Counter errors;
    private final CounterDataPoint readBytes;
    private final CounterDataPoint writtenBytes;
    private final ConcurrentHashMap<String, Op> ops = new ConcurrentHashMap<>();

    private FuseOps() {
        latency = null;
        errors = null;
        readBytes = null;
        writtenBytes = null;
    }

    FuseOps(PrometheusRegistry registry) {
        latency = Histogram.builder().name("cairn_mount_fuse_op_duration_seconds")
                .help("Time the mount took to answer a FUSE call, by op").labelNames("op")
                .classicOnly().classicUpperBounds(Latency.BUCKETS).register(registry);
        errors = Counter.builder().name("cairn_mount_fuse_errors_total")
                .help("FUSE calls answered with an error, by op and errno").labelNames("op", "errno")
                .register(registry);
        readBytes = Counter.builder().name("cairn_mount_fuse_read_bytes_total")
                .help("Bytes returned by FUSE reads").register(registry);
        writtenBytes = Counter.builder().name("cairn_mount_fuse_written_bytes_total")
                .help("Bytes accepted by FUSE writes").register(registry);
    }

    /** Records nothing: a mount without {@code --metrics-port}. */
    public static FuseOps off() {
        return OFF;
    }

    public boolean on() {
        return latency != null;
    }

    /**
     * A call of {@code op} that began at {@code startNanos} ({@link System#nanoTime}) and answered
     * {@code result}: negative is an errno; for read and write, a positive result is the bytes moved.
     */
    public void record(String op, long startNanos, int result) {
        if (latency == null) {
            return;
        }
        long nanos = System.nanoTime() - startNanos;
        Op o = ops.get(op);
        if (o == null) {
            o = ops.computeIfAbsent(op, Op::new);
        }
        o.latency.observe(Latency.seconds(nanos));
        if (result < 0) {
            o.error(-result);
        } else if (result > 0 && o.bytes != null) {
            o.bytes.inc(result);
        }
    }

    /** The name of a (positive) errno, as in errno.h: ENOENT, EIO, EACCES... */
    static String errnoName(int errno) {
        jnr.constants.platform.Errno e = jnr.constants.platform.Errno.valueOf(errno);
        return e == null || !e.defined() || e.name().startsWith("__") ? "errno_" + errno : e.name();
    }

    private final class Op {
        final String name;
        final DistributionDataPoint latency;
        final CounterDataPoint bytes;
        final AtomicReferenceArray<CounterDataPoint> errorsByErrno = new AtomicReferenceArray<>(MAX_ERRNO + 1);

        Op(String name) {
            this.name = name;
            this.latency = FuseOps.this.latency.labelValues(name);
            this.bytes = switch (name) {
                case "read" -> readBytes;
                case "write" -> writtenBytes;
                default -> null;
            };
        }

        void error(int errno) {
            if (errno > MAX_ERRNO) {
                errors.labelValues(name, errnoName(errno)).inc();
                return;
            }
            CounterDataPoint c = errorsByErrno.get(errno);
            if (c == null) {
                c = errors.labelValues(name, errnoName(errno));
                errorsByErrno.set(errno, c); // another thread may set the same data point: labelValues returns one
            }
            c.inc();
        }
    }
}
