package io.cairn.cli;

import io.cairn.common.client.Cluster;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The options every client subcommand shares: which master, and how long to wait for it. */
final class ClientOptions {
    static final String DEFAULT_MASTER = "http://127.0.0.1:5000";

    @Option(names = "--master", paramLabel = "URL",
            description = "master URL (default: $CAIRN_MASTER, else " + DEFAULT_MASTER + ")")
    String master;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "bound on every remote call (default: ${DEFAULT-VALUE})")
    Duration timeout;

    String masterUrl() {
        if (master != null) {
            return master;
        }
        String env = System.getenv("CAIRN_MASTER");
        return env != null && !env.isBlank() ? env : DEFAULT_MASTER;
    }

    Cluster connect() {
        return new Cluster(masterUrl(), timeout);
    }
}
