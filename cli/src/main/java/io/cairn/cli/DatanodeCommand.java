package io.cairn.cli;

import io.cairn.common.units.Units;
import io.cairn.common.tls.ClientTls;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.datanode.DatanodeServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "datanode", mixinStandardHelpOptions = true, defaultValueProvider = DatanodeCommand.Defaults.class,
        description = "Run a datanode: stores chunks on local disk and serves them over HTTP.")
final class DatanodeCommand implements Callable<Integer> {
    /** The first datanode's port in the demo layout (6000, 7000, 8000). */
    static final int DEFAULT_PORT = 6000;

    /** Every default but the port and the master is DatanodeConfig's. */
    static final class Defaults extends ConfigDefaults {
        Defaults() {
            super(of(DatanodeConfig.defaults(DEFAULT_PORT, Path.of("."), ClientOptions.DEFAULT_MASTER)));
        }

        static Map<String, String> of(DatanodeConfig d) {
            return Map.of(
                    "--port", Integer.toString(d.port()),
                    "--bind", d.bind(),
                    "--master", ClientOptions.defaultMaster(),
                    "--heartbeat", Units.writeDuration(d.heartbeat()),
                    "--reserve", Units.writeSize(d.reserve()),
                    "--scrub-rate", Units.writeSize(d.scrubRate()),
                    "--scrub-interval", Units.writeDuration(d.scrubInterval()),
                    "--report-interval", Units.writeDuration(d.reportInterval()));
        }
    }

    @Option(names = "--port", description = "port to listen on (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--bind", paramLabel = "ADDR", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind;
    @Option(names = "--data", paramLabel = "DIR", description = "where chunks live (default: ./cairn-datanode-PORT)")
    Path data;
    @Option(names = "--master", paramLabel = "URL", description = ClientOptions.MASTER_HELP)
    String master;
    @Option(names = "--advertise", paramLabel = "URL",
            description = "URL others reach this datanode at (default: http://BIND:PORT, https:// with --tls-cert;"
                    + " required when BIND is a wildcard)")
    String advertise;
    @Option(names = "--heartbeat", paramLabel = "DURATION", description = "heartbeat interval (default: ${DEFAULT-VALUE})")
    Duration heartbeat;
    @Option(names = "--capacity", paramLabel = "SIZE", description = "most bytes of chunks to store (default: the disk's size)")
    String capacity;
    @Option(names = "--reserve", paramLabel = "SIZE", description = "free disk space to leave alone (default: ${DEFAULT-VALUE})")
    String reserve;
    @Option(names = "--scrub-rate", paramLabel = "SIZE",
            description = "bytes per second the background scrubber reads to check chunks (0 = off; default: ${DEFAULT-VALUE})")
    String scrubRate;
    @Option(names = "--scrub-interval", paramLabel = "DURATION",
            description = "time between scrub passes over every chunk (default: ${DEFAULT-VALUE})")
    Duration scrubInterval;
    @Option(names = "--report-interval", paramLabel = "DURATION",
            description = "time between full chunk reports to the master, which then knows exactly what this node holds"
                    + " (default: ${DEFAULT-VALUE})")
    Duration reportInterval;
    @Option(names = "--join-token-file", paramLabel = "FILE",
            description = {"on its first start: the join token (mode 0600) to enroll with (cairn admin join-token makes one);",
                "the key it is given is kept in DIR/node.key and the token is not needed again"})
    Path joinTokenFile;
    @Mixin
    ServingOptions serving = new ServingOptions();
    @Option(names = "--tls-ca", paramLabel = "FILE", description = "PEM file of the CA certificate(s) trusted for an"
            + " https:// master and other datanodes (default: $CAIRN_TLS_CA, else the JVM's trust store)")
    Path tlsCa;
    @Option(names = "--log-level", paramLabel = "LEVEL", description = "ERROR, WARN, INFO (default) or DEBUG")
    String logLevel;

    @Override
    public Integer call() throws Exception {
        Foreground.setLogLevel(logLevel, "INFO");
        if (advertise == null && (bind.equals("0.0.0.0") || bind.equals("::"))) {
            throw new Failures.UsageException("--advertise URL is required when --bind is a wildcard address");
        }
        Path dir = data != null ? data : Path.of("cairn-datanode-" + port);
        DatanodeConfig config = new DatanodeConfig(bind, port, dir, master, advertise, heartbeat,
                capacity == null ? 0 : Units.parseSize(capacity), Units.parseSize(reserve), Clock.systemUTC())
                .withScrub(Units.parseSize(scrubRate), scrubInterval).withReportInterval(reportInterval)
                .withJoinTokenFile(joinTokenFile)
                .withTls(serving.transport(), ClientTls.find(tlsCa));
        var stop = Foreground.stopSignal();
        DatanodeServer server = DatanodeServer.start(config);
        System.err.println("cairn datanode: " + server.nodeId() + " at " + server.url() + ", data in "
                + dir.toAbsolutePath().normalize() + ", master " + master);
        return Foreground.runUntilSignalled(server, stop);
    }
}
