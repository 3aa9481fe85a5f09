package io.cairn.common.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The datanodes this client saw time out lately, by address: for a while they are asked last by
 * reads and replaced at once by writes, instead of being waited on for every chunk. When nothing
 * but such nodes is left to ask, one caller at a time, at most once per half of the avoidance
 * period, may try one again ({@link #mayProbe}); the others fail at once rather than queue up
 * behind the same timeout. A node that answers in time again is forgiven at once. At most one
 * entry per datanode this client talks to.
 */
final class SlowNodes {
    private static final Logger LOG = LoggerFactory.getLogger(SlowNodes.class);

    private final LongSupplier nanoTime;
    private final long avoidNanos;
    /** Address -> when it is avoided until, and when it may next be tried anyway (System.nanoTime()). */
    private final Map<String, Slow> slow = new ConcurrentHashMap<>();

    private record Slow(long until, long nextProbe) {
    }

    SlowNodes(Duration avoidFor, LongSupplier nanoTime) {
        this.avoidNanos = avoidFor.toNanos();
        this.nanoTime = nanoTime;
    }

    /** A call to {@code address} ran out of time. */
    void timedOut(String address) {
        long now = nanoTime.getAsLong();
        if (slow.put(address, new Slow(now + avoidNanos, now + avoidNanos / 2)) == null) {
            LOG.warn("datanode {} does not answer in time: avoiding it for {}s", address, avoidNanos / 1_000_000_000L);
        }
    }

    /** A call to {@code address} was answered in time. */
    void answered(String address) {
        if (slow.remove(address) != null) {
            LOG.info("datanode {} answers in time again", address);
        }
    }

    /** Whether {@code address} timed out lately and should be tried only when nothing else will do. */
    boolean avoided(String address) {
        Slow s = slow.get(address);
        if (s == null) {
            return false;
        }
        if (nanoTime.getAsLong() - s.until() >= 0) {
            slow.remove(address, s); // its time is up: it gets another chance
            return false;
        }
        return true;
    }

    /**
     * Whether a caller with no other node left may try {@code address} although it is avoided: true
     * for one caller per half avoidance period (and for any node not avoided).
     */
    boolean mayProbe(String address) {
        while (true) {
            Slow s = slow.get(address);
            long now = nanoTime.getAsLong();
            if (s == null || now - s.until() >= 0) {
                return true;
            }
            if (now - s.nextProbe() < 0) {
                return false;
            }
            if (slow.replace(address, s, new Slow(s.until(), now + avoidNanos / 2))) {
                return true;
            }
        }
    }
}
