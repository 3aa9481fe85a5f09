package io.cairn.cli;

import io.cairn.common.units.Units;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.datanode.DatanodeServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "datanode", mixinStandardHelpOptions = true,
        description = "Run a datanode: stores chunks on local disk and serves them over HTTP.")
final class DatanodeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "6000", description = "port to listen on (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind;
    @Option(names = "--data", paramLabel = "DIR", description = "where chunks live (default: ./cairn-datanode-PORT)")
    Path data;
    @Option(names = "--master", paramLabel = "URL", description = "master URL (default: $CAIRN_MASTER, else "
            + ClientOptions.DEFAULT_MASTER + ")")
    String master;
    @Option(names = "--advertise", paramLabel = "URL",
            description = "URL others reach this datanode at (default: http://BIND:PORT; required when BIND is a wildcard)")
    String advertise;
    @Option(names = "--heartbeat", defaultValue = "3s", paramLabel = "DURATION",
            description = "heartbeat interval (default: ${DEFAULT-VALUE})")
    Duration heartbeat;
    @Option(names = "--capacity", paramLabel = "SIZE", description = "most bytes of chunks to store (default: the disk's size)")
    String capacity;
    @Option(names = "--reserve", defaultValue = "0", paramLabel = "SIZE",
            description = "free disk space to leave alone (default: ${DEFAULT-VALUE})")
    String reserve;
    @Option(names = "--scrub-rate", defaultValue = "32MiB", paramLabel = "SIZE",
            description = "bytes per second the background scrubber reads to check chunks (0 = off; default: ${DEFAULT-VALUE})")
    String scrubRate;
    @Option(names = "--scrub-interval", defaultValue = "1h", paramLabel = "DURATION",
            description = "time between scrub passes over every chunk (default: ${DEFAULT-VALUE})")
    Duration scrubInterval;
    @Option(names = "--log-level", paramLabel = "LEVEL", description = "ERROR, WARN, INFO (default) or DEBUG")
    String logLevel;

    @Override
    public Integer call() throws Exception {
        Foreground.setLogLevel(logLevel, "INFO");
        if (advertise == null && (bind.equals("0.0.0.0") || bind.equals("::"))) {
            throw new Failures.UsageException("--advertise URL is required when --bind is a wildcard address");
        }
        String masterUrl = master != null ? master
                : System.getenv("CAIRN_MASTER") != null ? System.getenv("CAIRN_MASTER") : ClientOptions.DEFAULT_MASTER;
        Path dir = data != null ? data : Path.of("cairn-datanode-" + port);
        DatanodeConfig config = new DatanodeConfig(bind, port, dir, masterUrl, advertise, heartbeat,
                capacity == null ? 0 : Units.parseSize(capacity), Units.parseSize(reserve), Clock.systemUTC());
        var stop = Foreground.stopSignal();
        DatanodeServer server = DatanodeServer.start(config, new io.cairn.datanode.scrub.ScrubConfig(
                Units.parseSize(scrubRate), scrubInterval, java.time.Duration.ofMinutes(1)));
        System.err.println("cairn datanode: " + server.nodeId() + " at " + server.url() + ", data in "
                + dir.toAbsolutePath().normalize() + ", master " + masterUrl);
        return Foreground.runUntilSignalled(server, stop);
    }
}
