package io.cairn.datanode.scrub;

import java.time.Duration;

/**
 * How the scrubber runs: at most {@code bytesPerSecond} read from disk (0 turns it off), a pass
 * over every chunk every {@code interval}, the first pass {@code firstDelay} after start.
 */
public record ScrubConfig(long bytesPerSecond, Duration interval, Duration firstDelay) {
    public static ScrubConfig defaults() {
        return new ScrubConfig(32L << 20, Duration.ofHours(1), Duration.ofMinutes(1));
    }

    public static ScrubConfig off() {
        return new ScrubConfig(0, Duration.ofHours(1), Duration.ofHours(1));
    }
}
