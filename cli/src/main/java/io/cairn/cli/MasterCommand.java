package io.cairn.cli;

import io.cairn.common.units.Units;
import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "master", mixinStandardHelpOptions = true,
        description = "Run the master: the namespace, chunk placement and cluster membership.")
final class MasterCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "5000", description = "port to listen on (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 serves the network)")
    String bind;
    @Option(names = "--data", defaultValue = "./cairn-master", paramLabel = "DIR",
            description = "where the metadata lives (default: ${DEFAULT-VALUE})")
    Path data;
    @Option(names = "--replication", defaultValue = "2", paramLabel = "N",
            description = "replicas per chunk (default: ${DEFAULT-VALUE})")
    int replication;
    @Option(names = "--min-replicas", defaultValue = "1", paramLabel = "N",
            description = "fewest replicas a write may finish with when too few datanodes are live (default: ${DEFAULT-VALUE})")
    int minReplicas;
    @Option(names = "--chunk-size", defaultValue = "4MiB", paramLabel = "SIZE",
            description = "largest chunk (default: ${DEFAULT-VALUE})")
    String chunkSize;
    @Option(names = "--dead-after", defaultValue = "15s", paramLabel = "DURATION",
            description = "a datanode silent this long is dead (default: ${DEFAULT-VALUE})")
    Duration deadAfter;
    @Option(names = "--gc-grace", defaultValue = "2m", paramLabel = "DURATION",
            description = "how long a dropped chunk is kept before datanodes delete it (default: ${DEFAULT-VALUE})")
    Duration gcGrace;
    @Option(names = "--orphan-grace", defaultValue = "1h", paramLabel = "DURATION",
            description = "how long a stored chunk that no file uses is kept before deletion (default: ${DEFAULT-VALUE})")
    Duration orphanGrace;
    @Option(names = "--safe-mode-timeout", defaultValue = "30s", paramLabel = "DURATION",
            description = "after a start, repair and deletion wait this long at most for known datanodes to report (default: ${DEFAULT-VALUE})")
    Duration safeModeTimeout;
    @Option(names = "--repair-rate", defaultValue = "8", paramLabel = "N",
            description = "chunk copies handed to one datanode per heartbeat during repair (default: ${DEFAULT-VALUE})")
    int repairRate;
    @Option(names = "--log-level", paramLabel = "LEVEL", description = "ERROR, WARN, INFO (default) or DEBUG")
    String logLevel;

    @Override
    public Integer call() throws Exception {
        Foreground.setLogLevel(logLevel, "INFO");
        MasterConfig config = new MasterConfig(bind, port, data, replication, minReplicas, Units.parseSize(chunkSize),
                deadAfter, gcGrace, orphanGrace, safeModeTimeout, repairRate, Clock.systemUTC());
        var stop = Foreground.stopSignal();
        MasterServer server = MasterServer.start(config);
        System.err.println("cairn master: cluster " + server.clusterId() + " at " + server.url() + ", data in "
                + data.toAbsolutePath().normalize());
        return Foreground.runUntilSignalled(server, stop);
    }
}
