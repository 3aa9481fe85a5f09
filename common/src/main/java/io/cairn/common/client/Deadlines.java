package io.cairn.common.client;

import java.time.Duration;

/**
 * How long each remote step and each wait for one may take, all derived from the one
 * {@code --timeout}. A JSON call gets the timeout itself; a transfer of a body gets that plus one
 * second per {@link #MIN_BYTES_PER_SECOND} of body (a transfer slower than that fails, and so does
 * one that moves no byte for the timeout); steps made of several calls (a chunk written to its
 * replicas with replacements, a chunk read from its replicas in turn) get the sum of what their
 * calls may take. Pure: nothing here reads a clock.
 */
public final class Deadlines {
    /** The slowest transfer that still counts as moving: 1 MiB a second. */
    public static final long MIN_BYTES_PER_SECOND = 1L << 20;
    /** Rounds of sends a chunk's write may take: the first and two rounds of replacements. */
    static final int WRITE_ROUNDS = 3;
    /** Replicas a read tries one after the other before it gives up. */
    static final int READ_TRIES = 3;
    /** A replica that timed out is not asked first again for at least this long. */
    static final Duration MIN_AVOID = Duration.ofSeconds(30);

    private final Duration timeout;

    public Deadlines(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.timeout = timeout;
    }

    /** One JSON call to the master or a datanode, from connecting to the last byte of the answer. */
    public Duration call() {
        return timeout;
    }

    /** One call that moves a body of {@code bytes} (a chunk sent or fetched, or synced to disk). */
    public Duration transfer(long bytes) {
        return timeout.plusMillis(Math.max(0, bytes) / (MIN_BYTES_PER_SECOND / 1000));
    }

    /**
     * A chunk of {@code bytes} written to its replicas: up to {@link #WRITE_ROUNDS} rounds of sends
     * (the replicas in parallel) with a master call to replace failed targets between two rounds.
     */
    public Duration chunkWrite(long bytes) {
        return transfer(bytes).multipliedBy(WRITE_ROUNDS).plus(timeout.multipliedBy(WRITE_ROUNDS));
    }

    /** A chunk of {@code bytes} read from up to {@link #READ_TRIES} replicas, one after the other. */
    public Duration chunkRead(long bytes) {
        return transfer(bytes).multipliedBy(READ_TRIES);
    }

    /** How long a replica that timed out is asked last (reads) or not at all while others will do (writes). */
    public Duration avoidSlowNode() {
        Duration d = timeout.multipliedBy(4);
        return d.compareTo(MIN_AVOID) < 0 ? MIN_AVOID : d;
    }

    @Override
    public String toString() {
        return "Deadlines[timeout " + timeout + "]";
    }
}
