package io.cairn.cli;

import io.cairn.common.client.TokenFile;
import io.cairn.common.tls.ClientTls;
import io.cairn.common.units.Units;
import io.cairn.mount.MountMain;
import io.cairn.mount.MountSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "mount", mixinStandardHelpOptions = true, defaultValueProvider = MountCommand.Defaults.class,
        description = {"Mount the cluster at MOUNTPOINT through FUSE and stay in the foreground until it is unmounted",
            "(fusermount -u, umount) or this process gets SIGINT/SIGTERM, which unmount cleanly and exit 0."})
final class MountCommand implements Callable<Integer> {
    /** The timeouts are MountSettings' defaults. */
    static final class Defaults extends ConfigDefaults {
        Defaults() {
            super(Map.of(
                    "--master", ClientOptions.defaultMaster(),
                    "--attr-timeout", Units.writeDuration(MountSettings.DEFAULT_ATTR_TIMEOUT),
                    "--timeout", Units.writeDuration(MountSettings.DEFAULT_TIMEOUT)));
        }
    }

    @Parameters(index = "0", paramLabel = "MOUNTPOINT")
    Path mountPoint;
    @Option(names = "--master", paramLabel = "URL", description = ClientOptions.MASTER_HELP)
    String master;
    @Option(names = "--token-file", paramLabel = "FILE", description = TokenFile.HELP)
    Path tokenFile;
    @Option(names = "--tls-ca", paramLabel = "FILE", description = ClientTls.HELP)
    Path tlsCa;
    @Option(names = "-o", paramLabel = "OPTIONS", description = "extra FUSE options, comma separated (e.g. allow_other)")
    List<String> options = new ArrayList<>();
    @Option(names = "--attr-timeout", paramLabel = "DURATION",
            description = "how long attributes and entries are cached (default: ${DEFAULT-VALUE}; 0 = always ask)")
    Duration attrTimeout;
    @Option(names = "--timeout", paramLabel = "DURATION", description = "bound on every remote call (default: ${DEFAULT-VALUE})")
    Duration timeout;
    @Option(names = "--owner-only", description = {"only the user who mounts may use the mount; by default every local",
        "user may (allow_other, with modes and owners checked by the kernel), which needs root or",
        "user_allow_other in /etc/fuse.conf"})
    boolean ownerOnly;
    @Option(names = "--metrics-port", paramLabel = "PORT", description = {"serve Prometheus metrics at",
        "http://ADDR:PORT/metrics (FUSE calls, remote calls, caches, dirty memory, uploads, the JVM);",
        "0 = any free port (printed at start); no metrics unless given"})
    Integer metricsPort;
    @Option(names = "--metrics-bind", paramLabel = "ADDR", description = {"the address the metrics are served on",
        "(default: " + MountSettings.DEFAULT_METRICS_BIND + ", this machine only; they need no credentials)"})
    String metricsBind;
    @Option(names = "--debug", description = "log every FUSE call")
    boolean debug;
    @Option(names = "--log-level", paramLabel = "LEVEL", description = "ERROR, WARN (default), INFO or DEBUG")
    String logLevel;

    @Override
    public Integer call() {
        Foreground.setLogLevel(logLevel, "WARN");
        Foreground.onStopSignal(MountMain::requestStop); // SIGINT/SIGTERM: unmount cleanly, exit 0
        return MountMain.run(new MountSettings(mountPoint, master, options, attrTimeout, timeout, debug, ownerOnly,
                tokenFile, tlsCa, metricsPort, metricsBind));
    }
}
