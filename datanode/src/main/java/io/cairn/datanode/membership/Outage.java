package io.cairn.datanode.membership;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A run of consecutive failures talking to the master, so that a master that is down for a while
 * gives a log line every few attempts rather than one per attempt.
 */
final class Outage {
    private final Clock clock;
    private final int logEvery;
    private int failures;
    private Instant since;

    Outage(Clock clock, int logEvery) {
        this.clock = clock;
        this.logEvery = logEvery;
    }

    /** Counts a failure; true when this one should be logged (the first, then every {@code logEvery}-th). */
    boolean failed() {
        if (failures++ == 0) {
            since = clock.instant();
        }
        return failures == 1 || failures % logEvery == 0;
    }

    /** How long the failures have lasted. */
    Duration length() {
        return since == null ? Duration.ZERO : Duration.between(since, clock.instant());
    }

    int failures() {
        return failures;
    }

    /** Ends the run; true if there was one. */
    boolean ended() {
        boolean was = failures > 0;
        failures = 0;
        since = null;
        return was;
    }
}
