package io.cairn.master;

import io.cairn.server.tls.Transport;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Everything the master is configured with, typed and immutable; {@link #defaults} holds every
 * default in one place.
 *
 * @param gcGrace         how long a dropped chunk is kept before datanodes are told to delete it, so that a
 *                        reader still holding the old chunk list can finish
 * @param orphanGrace     how long a reported chunk that no file uses and no writer's lease holds is kept
 *                        before it is deleted (1 hour by default)
 * @param safeModeTimeout after a start, how long to wait for known datanodes to report before repairing
 * @param repairRate      chunk copies handed to one datanode per heartbeat
 * @param chunkLease      how long a writer holds a chunk it allocated without renewing the lease (10 minutes by
 *                        default, far longer than any upload takes; writers renew at a third of it and commit
 *                        well within it); a chunk whose lease lapsed may be deleted and its commit is refused
 * @param transport       TLS ({@code --tls-cert}, {@code --tls-key}) or plain HTTP, which off loopback needs
 *                        {@code --insecure-http}
 * @param sessionTtl      how long a mount's session (and so the locks it holds) lives without being renewed
 *                        ({@code --session-ttl}, 20 s by default; mounts renew at a quarter of it)
 */
public record MasterConfig(String bind, int port, Path dataDir, int replication, int minReplicas, long chunkSize,
                           Duration deadAfter, Duration gcGrace, Duration orphanGrace, Duration safeModeTimeout,
                           int repairRate, Duration chunkLease, Clock clock, Transport transport,
                           Duration sessionTtl) {
    public static final int DEFAULT_PORT = 5000;
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofSeconds(20);
    public static final Duration DEFAULT_CHUNK_LEASE = Duration.ofMinutes(10);

    public MasterConfig {
        transport = transport == null ? Transport.PLAIN : transport;
        sessionTtl = sessionTtl == null ? DEFAULT_SESSION_TTL : sessionTtl;
        if (sessionTtl.compareTo(Duration.ofSeconds(1)) < 0 || sessionTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("--session-ttl must be between 1s and 1h, not " + sessionTtl);
        }
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
        if (chunkLease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--chunk-lease must be at least 1s, not " + chunkLease);
        }
    }

    /** A configuration with the default session lifetime ({@link #DEFAULT_SESSION_TTL}). */
    public MasterConfig(String bind, int port, Path dataDir, int replication, int minReplicas, long chunkSize,
                        Duration deadAfter, Duration gcGrace, Duration orphanGrace, Duration safeModeTimeout,
                        int repairRate, Duration chunkLease, Clock clock, Transport transport) {
        this(bind, port, dataDir, replication, minReplicas, chunkSize, deadAfter, gcGrace, orphanGrace, safeModeTimeout,
                repairRate, chunkLease, clock, transport, DEFAULT_SESSION_TTL);
    }

    /** A configuration served over plain HTTP (on loopback only, unless {@link #withTransport} says otherwise). */
    public MasterConfig(String bind, int port, Path dataDir, int replication, int minReplicas, long chunkSize,
                        Duration deadAfter, Duration gcGrace, Duration orphanGrace, Duration safeModeTimeout,
                        int repairRate, Duration chunkLease, Clock clock) {
        this(bind, port, dataDir, replication, minReplicas, chunkSize, deadAfter, gcGrace, orphanGrace, safeModeTimeout,
                repairRate, chunkLease, clock, Transport.PLAIN);
    }

    /** A configuration with the default chunk lease ({@link #DEFAULT_CHUNK_LEASE}). */
    public MasterConfig(String bind, int port, Path dataDir, int replication, int minReplicas, long chunkSize,
                        Duration deadAfter, Duration gcGrace, Duration orphanGrace, Duration safeModeTimeout,
                        int repairRate, Clock clock) {
        this(bind, port, dataDir, replication, minReplicas, chunkSize, deadAfter, gcGrace, orphanGrace, safeModeTimeout,
                repairRate, DEFAULT_CHUNK_LEASE, clock);
    }

    public static MasterConfig defaults(Path dataDir) {
        return new MasterConfig("127.0.0.1", DEFAULT_PORT, dataDir, 2, 1, 4L << 20, Duration.ofSeconds(15),
                Duration.ofMinutes(2), Duration.ofHours(1), Duration.ofSeconds(30), 8, DEFAULT_CHUNK_LEASE,
                Clock.systemUTC());
    }

    public MasterConfig withPort(int p) {
        return new MasterConfig(bind, p, dataDir, replication, minReplicas, chunkSize, deadAfter, gcGrace, orphanGrace,
                safeModeTimeout, repairRate, chunkLease, clock, transport, sessionTtl);
    }

    public MasterConfig withReplication(int r, int min) {
        return new MasterConfig(bind, port, dataDir, r, min, chunkSize, deadAfter, gcGrace, orphanGrace, safeModeTimeout,
                repairRate, chunkLease, clock, transport, sessionTtl);
    }

    public MasterConfig withDeadAfter(Duration d) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, chunkSize, d, gcGrace, orphanGrace,
                safeModeTimeout, repairRate, chunkLease, clock, transport, sessionTtl);
    }

    public MasterConfig withChunkSize(long c) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, c, deadAfter, gcGrace, orphanGrace,
                safeModeTimeout, repairRate, chunkLease, clock, transport, sessionTtl);
    }

    public MasterConfig withGcGrace(Duration g) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, chunkSize, deadAfter, g, orphanGrace,
                safeModeTimeout, repairRate, chunkLease, clock, transport, sessionTtl);
    }

    public MasterConfig withOrphanGrace(Duration o) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, chunkSize, deadAfter, gcGrace, o,
                safeModeTimeout, repairRate, chunkLease, clock, transport, sessionTtl);
    }

    public MasterConfig withSafeModeTimeout(Duration t) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, chunkSize, deadAfter, gcGrace, orphanGrace, t,
                repairRate, chunkLease, clock, transport, sessionTtl);
    }

    /** This configuration served as {@code t} says (TLS, or plain HTTP off loopback). */
    public MasterConfig withTransport(Transport t) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, chunkSize, deadAfter, gcGrace, orphanGrace,
                safeModeTimeout, repairRate, chunkLease, clock, t, sessionTtl);
    }

    public MasterConfig withChunkLease(Duration l) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, chunkSize, deadAfter, gcGrace, orphanGrace,
                safeModeTimeout, repairRate, l, clock, transport, sessionTtl);
    }

    public MasterConfig withSessionTtl(Duration t) {
        return new MasterConfig(bind, port, dataDir, replication, minReplicas, chunkSize, deadAfter, gcGrace, orphanGrace,
                safeModeTimeout, repairRate, chunkLease, clock, transport, t);
    }
}
