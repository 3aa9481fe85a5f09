package io.cairn.datanode.scrub;

import io.cairn.datanode.DatanodeConfig;

import java.time.Duration;

/**
 * How the scrubber runs: at most {@code bytesPerSecond} read from disk (0 turns it off), a pass
 * over every chunk every {@code interval}, the first pass {@code firstDelay} after start.
 *
 * @deprecated set {@link DatanodeConfig#scrubRate()} and {@link DatanodeConfig#scrubInterval()}
 * instead; kept so that callers of {@code DatanodeServer.start(config, scrub)} keep working.
 */
@Deprecated
public record ScrubConfig(long bytesPerSecond, Duration interval, Duration firstDelay) {
    public static ScrubConfig defaults() {
        return new ScrubConfig(DatanodeConfig.DEFAULT_SCRUB_RATE, DatanodeConfig.DEFAULT_SCRUB_INTERVAL,
                Scrubber.MAX_FIRST_DELAY);
    }

    public static ScrubConfig off() {
        return new ScrubConfig(0, Duration.ofHours(1), Duration.ofHours(1));
    }
}
