package io.cairn.datanode;

import io.cairn.common.tls.ClientTls;
import io.cairn.server.tls.Transport;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a datanode is started with; all defaults are in {@link #defaults}.
 *
 * @param bind      address to listen on ("127.0.0.1", "0.0.0.0", "::", a host name)
 * @param port      port to listen on; 0 picks any free port
 * @param dataDir   where node-id, cluster-id and the chunks live
 * @param masterUrl the master, e.g. "http://127.0.0.1:5000"
 * @param advertise the URL others reach this datanode at; null means http(s)://BIND:PORT (with the port
 *                  actually bound), which is why it is required when {@code bind} is a wildcard
 * @param heartbeat time between heartbeats
 * @param capacity  most bytes of chunks to hold; 0 means the size of the disk
 * @param reserve   bytes to keep free on the disk
 * @param scrubRate most bytes per second the background scrubber reads to check stored chunks;
 *                  0 turns the scrubber off
 * @param scrubInterval  time from the end of one scrub pass over every chunk to the start of the
 *                       next; the first pass starts {@code min(1 minute, scrubInterval)} after start
 * @param reportInterval time between full chunk reports to the master after the one sent at
 *                       registration (so that it learns of chunks written but never committed)
 * @param clock     the time source for everything time decides
 * @param joinTokenFile  a file (mode 0600) holding the join token this datanode enrolls with, when it
 *                       has no node.key yet; null when it has one
 * @param transport how it serves: TLS ({@code --tls-cert}, {@code --tls-key}; it then advertises https://)
 *                  or plain HTTP, which off loopback needs {@code --insecure-http}
 * @param trust     the CAs it trusts when it calls an https:// master or datanode ({@code --tls-ca})
 */
public record DatanodeConfig(String bind, int port, Path dataDir, String masterUrl, String advertise,
                             Duration heartbeat, long capacity, long reserve, long scrubRate,
                             Duration scrubInterval, Duration reportInterval, Clock clock, Path joinTokenFile,
                             Transport transport, ClientTls trust) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(3);
    /** 32 MiB/s. */
    public static final long DEFAULT_SCRUB_RATE = 32L << 20;
    public static final Duration DEFAULT_SCRUB_INTERVAL = Duration.ofHours(1);
    public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofMinutes(10);

    public DatanodeConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(masterUrl, "masterUrl");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(scrubInterval, "scrubInterval");
        Objects.requireNonNull(reportInterval, "reportInterval");
        Objects.requireNonNull(clock, "clock");
        transport = transport == null ? Transport.PLAIN : transport;
        trust = trust == null ? ClientTls.JVM_DEFAULT : trust;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, not " + port);
        }
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, not " + heartbeat);
        }
        if (capacity < 0 || reserve < 0) {
            throw new IllegalArgumentException("capacity and reserve must not be negative");
        }
        if (scrubRate < 0) {
            throw new IllegalArgumentException("scrub rate must not be negative (0 turns scrubbing off), not " + scrubRate);
        }
        if (scrubInterval.isNegative() || scrubInterval.isZero()) {
            throw new IllegalArgumentException("scrub interval must be positive, not " + scrubInterval);
        }
        if (reportInterval.isNegative() || reportInterval.isZero()) {
            throw new IllegalArgumentException("report interval must be positive, not " + reportInterval);
        }
        if (advertise == null && isWildcard(bind)) {
            throw new IllegalArgumentException("an advertised URL is required when binding the wildcard address " + bind);
        }
        if (advertise != null) {
            advertise = checkUrl(advertise);
        }
    }

    /**
     * Refuses an advertised URL of the other scheme than this datanode serves (http:// with TLS, or
     * https:// without): checked at start, once {@link #withTls} has been applied.
     */
    public void checkAdvertisedScheme() {
        if (advertise != null && !advertise.startsWith(transport.scheme() + "://")) {
            throw new IllegalArgumentException("the advertised URL must start with " + transport.scheme()
                    + ":// when this datanode serves " + transport.scheme().toUpperCase(java.util.Locale.ROOT)
                    + ", not " + advertise);
        }
    }

    /** A datanode that serves plain HTTP and trusts the JVM's CAs. */
    public DatanodeConfig(String bind, int port, Path dataDir, String masterUrl, String advertise,
                          Duration heartbeat, long capacity, long reserve, long scrubRate,
                          Duration scrubInterval, Duration reportInterval, Clock clock, Path joinTokenFile) {
        this(bind, port, dataDir, masterUrl, advertise, heartbeat, capacity, reserve, scrubRate, scrubInterval,
                reportInterval, clock, joinTokenFile, Transport.PLAIN, ClientTls.JVM_DEFAULT);
    }

    /** This configuration serving as {@code t} says and trusting {@code caTrust} for https:// calls. */
    public DatanodeConfig withTls(Transport t, ClientTls caTrust) {
        return new DatanodeConfig(bind, port, dataDir, masterUrl, advertise, heartbeat, capacity, reserve, scrubRate,
                scrubInterval, reportInterval, clock, joinTokenFile, t, caTrust);
    }

    /** A datanode that has enrolled already (or is given its join token by {@link #withJoinTokenFile}). */
    public DatanodeConfig(String bind, int port, Path dataDir, String masterUrl, String advertise,
                          Duration heartbeat, long capacity, long reserve, long scrubRate,
                          Duration scrubInterval, Duration reportInterval, Clock clock) {
        this(bind, port, dataDir, masterUrl, advertise, heartbeat, capacity, reserve, scrubRate, scrubInterval,
                reportInterval, clock, null);
    }

    /** This configuration, enrolling with the join token in {@code file} if it has no key yet. */
    public DatanodeConfig withJoinTokenFile(Path file) {
        return new DatanodeConfig(bind, port, dataDir, masterUrl, advertise, heartbeat, capacity, reserve, scrubRate,
                scrubInterval, reportInterval, clock, file, transport, trust);
    }

    /**
     * The settings of the first versions: scrubbing at {@link #DEFAULT_SCRUB_RATE} every
     * {@link #DEFAULT_SCRUB_INTERVAL}, a full chunk report every {@link #DEFAULT_REPORT_INTERVAL}.
     */
    public DatanodeConfig(String bind, int port, Path dataDir, String masterUrl, String advertise,
                          Duration heartbeat, long capacity, long reserve, Clock clock) {
        this(bind, port, dataDir, masterUrl, advertise, heartbeat, capacity, reserve, DEFAULT_SCRUB_RATE,
                DEFAULT_SCRUB_INTERVAL, DEFAULT_REPORT_INTERVAL, clock);
    }

    /**
     * Listen on 127.0.0.1, heartbeat every 3 s, use the whole disk, keep no reserve, scrub at 32 MiB/s
     * every hour, send the full chunk report every 10 minutes.
     */
    public static DatanodeConfig defaults(int port, Path dataDir, String masterUrl) {
        return new DatanodeConfig(DEFAULT_BIND, port, dataDir, masterUrl, null, DEFAULT_HEARTBEAT, 0, 0,
                Clock.systemUTC());
    }

    /** This configuration with the scrubber set as given ({@code rate} 0: off). */
    public DatanodeConfig withScrub(long rate, Duration interval) {
        return new DatanodeConfig(bind, port, dataDir, masterUrl, advertise, heartbeat, capacity, reserve, rate,
                interval, reportInterval, clock, joinTokenFile, transport, trust);
    }

    /** This configuration with the full chunk report sent every {@code interval}. */
    public DatanodeConfig withReportInterval(Duration interval) {
        return new DatanodeConfig(bind, port, dataDir, masterUrl, advertise, heartbeat, capacity, reserve, scrubRate,
                scrubInterval, interval, clock, joinTokenFile, transport, trust);
    }

    static boolean isWildcard(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]") || bind.isEmpty();
    }

    /** The URL a datanode bound to {@code bind:port} advertises when none is configured. */
    String advertisedUrl(int actualPort) {
        if (advertise != null) {
            return advertise;
        }
        String host = bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        return transport.scheme() + "://" + host + ":" + actualPort;
    }

    private static String checkUrl(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI uri = new URI(u);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getPort() <= 0) {
                throw new IllegalArgumentException("advertised URL must look like http://HOST:PORT, not " + url);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("advertised URL must look like http://HOST:PORT, not " + url, e);
        }
        return u;
    }
}
