package io.cairn.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when a test moves it ({@link #advance}, {@link #set}); every thread that
 * reads it sees the same instant. Hand it to code that decides by time (liveness, grace periods,
 * retry intervals) and a test of "nothing happens before X" becomes: move the clock to just before
 * X, check, move it past X, check.
 */
public final class ManualClock extends Clock {
    /** Where a clock starts unless told otherwise: a fixed instant, so that runs repeat. */
    public static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    public ManualClock() {
        this(START);
    }

    public ManualClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** Moves the clock forward by {@code d} (which must not be negative) and returns the new instant. */
    public Instant advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a clock is only moved forward, not by " + d);
        }
        return now.updateAndGet(t -> t.plus(d));
    }

    /** Sets the clock to {@code t}, earlier or later (as a system clock stepped by NTP can be). */
    public void set(Instant t) {
        now.set(Objects.requireNonNull(t, "t"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same clock (moving together with this one) seen in another zone. */
    @Override
    public Clock withZone(ZoneId z) {
        return z.equals(zone) ? this : new ManualClock(now, z);
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + "]";
    }
}
