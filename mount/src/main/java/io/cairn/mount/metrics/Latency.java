package io.cairn.mount.metrics;

/** The classic histogram buckets every latency of the mount is counted in, in seconds. */
final class Latency {
    /** From 50 µs (a getattr answered by the cache) to 10 s (a chunk upload to a slow datanode). */
    static final double[] BUCKETS = {
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private Latency() {
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
