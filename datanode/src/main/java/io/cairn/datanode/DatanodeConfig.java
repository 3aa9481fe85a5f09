package io.cairn.datanode;

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
 * @param advertise the URL others reach this datanode at; null means http://BIND:PORT (with the port
 *                  actually bound), which is why it is required when {@code bind} is a wildcard
 * @param heartbeat time between heartbeats
 * @param capacity  most bytes of chunks to hold; 0 means the size of the disk
 * @param reserve   bytes to keep free on the disk
 * @param clock     the time source for everything time decides
 */
public record DatanodeConfig(String bind, int port, Path dataDir, String masterUrl, String advertise,
                             Duration heartbeat, long capacity, long reserve, Clock clock) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(3);

    public DatanodeConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(masterUrl, "masterUrl");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(clock, "clock");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, not " + port);
        }
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, not " + heartbeat);
        }
        if (capacity < 0 || reserve < 0) {
            throw new IllegalArgumentException("capacity and reserve must not be negative");
        }
        if (advertise == null && isWildcard(bind)) {
            throw new IllegalArgumentException("an advertised URL is required when binding the wildcard address " + bind);
        }
        if (advertise != null) {
            advertise = checkUrl(advertise);
        }
    }

    /** Listen on 127.0.0.1, heartbeat every 3 s, use the whole disk, keep no reserve. */
    public static DatanodeConfig defaults(int port, Path dataDir, String masterUrl) {
        return new DatanodeConfig(DEFAULT_BIND, port, dataDir, masterUrl, null, DEFAULT_HEARTBEAT, 0, 0,
                Clock.systemUTC());
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
        return "http://" + host + ":" + actualPort;
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
