package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.client.TokenFile;
import io.cairn.common.tls.ClientTls;
import io.cairn.common.units.Units;
import io.cairn.master.MasterConfig;
import io.cairn.mount.MountSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The options every client subcommand shares: which master, how to trust it, and how long to wait for it. */
@Command(defaultValueProvider = ClientOptions.Defaults.class)
final class ClientOptions {
    /** A master with MasterConfig's defaults, on this machine. */
    static final String DEFAULT_MASTER;

    static {
        MasterConfig m = MasterConfig.defaults(Path.of("."));
        DEFAULT_MASTER = "http://" + m.bind() + ":" + m.port();
    }

    /** The help line of every --master option. */
    static final String MASTER_HELP = "master URL (default: ${DEFAULT-VALUE}, taken from $CAIRN_MASTER when it is set)";

    /** --master from $CAIRN_MASTER, else {@link #DEFAULT_MASTER}; --timeout as the mount's. */
    static final class Defaults extends ConfigDefaults {
        Defaults() {
            super(Map.of("--master", defaultMaster(), "--timeout", Units.writeDuration(MountSettings.DEFAULT_TIMEOUT)));
        }
    }

    @Option(names = "--master", paramLabel = "URL", description = MASTER_HELP)
    String master;

    @Option(names = "--token-file", paramLabel = "FILE", description = TokenFile.HELP)
    Path tokenFile;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = ClientTls.HELP)
    Path tlsCa;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "bound on every remote call (default: ${DEFAULT-VALUE})")
    Duration timeout;

    /** The master to use when --master is not given: $CAIRN_MASTER when set, else {@link #DEFAULT_MASTER}. */
    static String defaultMaster() {
        String env = System.getenv("CAIRN_MASTER");
        return env != null && !env.isBlank() ? env : DEFAULT_MASTER;
    }

    String masterUrl() {
        return master;
    }

    Cluster connect() throws java.io.IOException {
        return new Cluster(masterUrl(), timeout, TokenFile.find(masterUrl(), tokenFile), ClientTls.find(tlsCa));
    }
}
