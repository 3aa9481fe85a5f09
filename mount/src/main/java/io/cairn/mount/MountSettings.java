package io.cairn.mount;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code cairn mount} was asked to do.
 *
 * @param mountPoint   an existing, empty directory
 * @param masterUrl    e.g. {@code http://127.0.0.1:5000}
 * @param extraOptions values of {@code -o}, each a comma-separated list of FUSE options (e.g. {@code allow_other})
 * @param attrTimeout  how long attributes, entries and negative lookups are cached (null: 1s; zero: not at all)
 * @param timeout      bound on every remote call (null: 30s)
 * @param debug        libfuse prints every call it gets
 * @param ownerOnly    only the mounting user may use the mount (no {@code allow_other}, see {@link OtherUsers})
 * @param tokenFile    the file holding the token the mount calls the master with; null: as
 *                     {@link io.cairn.common.client.TokenFile#resolve} finds one
 * @param tlsCa        the PEM file of the CAs trusted for an https:// master and its datanodes; null: as
 *                     {@link io.cairn.common.tls.ClientTls#resolve} finds one, else the JVM's trust store
 * @param metricsPort  the port {@code GET /metrics} (Prometheus text format) is served on; 0: any free
 *                     port; null: no metrics at all
 * @param metricsBind  the address the metrics are served on (null: {@value #DEFAULT_METRICS_BIND} when
 *                     {@code metricsPort} is given, else none)
 */
public record MountSettings(Path mountPoint, String masterUrl, List<String> extraOptions, Duration attrTimeout,
                            Duration timeout, boolean debug, boolean ownerOnly, Path tokenFile, Path tlsCa,
                            Integer metricsPort, String metricsBind) {
    public static final Duration DEFAULT_ATTR_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Metrics are for this machine only unless {@code --metrics-bind} says otherwise: they need no credentials. */
    public static final String DEFAULT_METRICS_BIND = "127.0.0.1";

    /** A mount every local user may use (the default). */
    public MountSettings(Path mountPoint, String masterUrl, List<String> extraOptions, Duration attrTimeout,
                         Duration timeout, boolean debug) {
        this(mountPoint, masterUrl, extraOptions, attrTimeout, timeout, debug, false, null, null, null, null);
    }

    /** A mount that trusts the CAs {@link io.cairn.common.tls.ClientTls#resolve} finds. */
    public MountSettings(Path mountPoint, String masterUrl, List<String> extraOptions, Duration attrTimeout,
                         Duration timeout, boolean debug, boolean ownerOnly, Path tokenFile) {
        this(mountPoint, masterUrl, extraOptions, attrTimeout, timeout, debug, ownerOnly, tokenFile, null, null, null);
    }

    /** A mount with no metrics. */
    public MountSettings(Path mountPoint, String masterUrl, List<String> extraOptions, Duration attrTimeout,
                         Duration timeout, boolean debug, boolean ownerOnly, Path tokenFile, Path tlsCa) {
        this(mountPoint, masterUrl, extraOptions, attrTimeout, timeout, debug, ownerOnly, tokenFile, tlsCa, null, null);
    }

    /** The same mount with other FUSE options. */
    public MountSettings withOptions(List<String> options) {
        return new MountSettings(mountPoint, masterUrl, options, attrTimeout, timeout, debug, ownerOnly, tokenFile,
                tlsCa, metricsPort, metricsBind);
    }

    public MountSettings {
        extraOptions = extraOptions == null ? List.of() : List.copyOf(extraOptions);
        attrTimeout = attrTimeout == null ? DEFAULT_ATTR_TIMEOUT : attrTimeout;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (attrTimeout.isNegative()) {
            throw new IllegalArgumentException("--attr-timeout may not be negative");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new IllegalArgumentException("--metrics-port must be a port number from 0 to 65535 (0: any free port), not "
                    + metricsPort);
        }
        if (metricsBind != null && metricsPort == null) {
            throw new IllegalArgumentException("--metrics-bind needs --metrics-port");
        }
        if (metricsBind != null && metricsBind.isBlank()) {
            throw new IllegalArgumentException("--metrics-bind needs an address, e.g. 127.0.0.1 or 0.0.0.0");
        }
        // defaulted only with a port: a copy (withOptions) of a mount without metrics stays without
        metricsBind = metricsBind == null && metricsPort != null ? DEFAULT_METRICS_BIND : metricsBind;
    }
}
