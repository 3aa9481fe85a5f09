package io.cairn.master;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Everything the master is configured with, typed and immutable; {@link #defaults} holds every
 * default in one place.
 *
 * @param gcGrace         how long a dropped chunk is kept before datanodes are told to delete it, so that a
 *                        reader still holding the old chunk list can finish
 * @param orphanGrace     how long a reported chunk that no file uses is kept before it is deleted (a writer
 *                        may still commit it; 1 hour by default, far longer than any upload takes)
 * @param safeModeTimeout after a start, how long to wait for known datanodes to report before repairing
 * @param repairRate      chunk copies handed to one datanode per heartbeat
 */
public record MasterConfig(String bind, int port, Path dataDir, int replication, int minReplicas, long chunkSize,
                           Duration deadAfter, Duration gcGrace, Duration orphanGrace, Duration safeModeTimeout,
                           int repairRate, Clock clock) {
    public static final int DEFAULT_PORT = 5000;

    public MasterConfig {
        if (replication < 1 || replication > 16) {
            throw new IllegalArgumentException("--replication must be between 1 and 16, not " + replication);
        }
        if (minReplicas < 1 || minReplicas > replication) {
            throw new IllegalArgumentException("--min-replicas must be between 1 and the replication factor (" + replication + ")");
        }
        if (repairRate < 1) {
            throw new IllegalArgumentException("--repair-rate must be at least 1");
        }
        if (chunkSize < 64 * 1024 || chunkSize > (64L << 20)) {
            throw new IllegalArgumentException("--chunk-size must be between 64KiB and 64MiB");
        }
    }

    public static MasterConfig defaults(Path dataDir) {
        return new MasterConfig("127.0.0.1", DEFAULT_PORT, dataDir, 2, 1, 4L << 20, Duration.ofSeconds(15),
                Duration.ofMinutes(2), Duration.ofHours(1), Duration.ofSeconds(30), 8, Clock.systemUTC());
    }

    public MasterConfig withPort(int p) {
        return new MasterConfig(bind, p, dataDir, replication, minReplicas, chunkSize, deadAfter, gcGrace, orphanGrace, safeModeTimeout, repairRate, clock);
    }

    public MasterConfig withReplication(int r, int min) {
        return new MasterConfig(bind, port, dataDir, r, min, chunkSize, deadAfter, gcGrace, orphanGrace, safeModeTimeout, repairRate, clock);
    }

    public MasterConfig withDeadAfter(Duration d) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, chunkSize, d, gcGrace, orphanGrace, safeModeTimeout, repairRate, clock);
    }

    public MasterConfig withChunkSize(long c) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, c, deadAfter, gcGrace, orphanGrace, safeModeTimeout, repairRate, clock);
    }

    public MasterConfig withGcGrace(Duration g) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, chunkSize, deadAfter, g, orphanGrace, safeModeTimeout,
                repairRate, clock);
    }

    public MasterConfig withOrphanGrace(Duration o) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, chunkSize, deadAfter, gcGrace, o,
                safeModeTimeout, repairRate, clock);
    }

    public MasterConfig withSafeModeTimeout(Duration t) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, chunkSize, deadAfter, gcGrace, orphanGrace, t,
                repairRate, clock);
    }
}
