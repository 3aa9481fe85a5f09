package io.cairn.cli;

import io.cairn.common.units.Units;
import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.master.meta.PostgresUrl;
import io.cairn.master.meta.StoreOpener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "master", mixinStandardHelpOptions = true, defaultValueProvider = MasterCommand.Defaults.class,
        description = "Run the master: the namespace, chunk placement and cluster membership.")
final class MasterCommand implements Callable<Integer> {
    /** Where the metadata lives unless --data says otherwise. */
    static final String DEFAULT_DATA = "./cairn-master";

    /** Every default but the data directory is MasterConfig's. */
    static final class Defaults extends ConfigDefaults {
        Defaults() {
            super(of(MasterConfig.defaults(Path.of(DEFAULT_DATA))));
        }

        static Map<String, String> of(MasterConfig d) {
            return Map.ofEntries(
                    Map.entry("--port", Integer.toString(d.port())),
                    Map.entry("--bind", d.bind()),
                    Map.entry("--data", DEFAULT_DATA),
                    Map.entry("--replication", Integer.toString(d.replication())),
                    Map.entry("--min-replicas", Integer.toString(d.minReplicas())),
                    Map.entry("--chunk-size", Units.writeSize(d.chunkSize())),
                    Map.entry("--dead-after", Units.writeDuration(d.deadAfter())),
                    Map.entry("--gc-grace", Units.writeDuration(d.gcGrace())),
                    Map.entry("--orphan-grace", Units.writeDuration(d.orphanGrace())),
                    Map.entry("--safe-mode-timeout", Units.writeDuration(d.safeModeTimeout())),
                    Map.entry("--repair-rate", Integer.toString(d.repairRate())),
                    Map.entry("--chunk-lease", Units.writeDuration(d.chunkLease())),
                    Map.entry("--session-ttl", Units.writeDuration(d.sessionTtl())));
        }
    }

    @Option(names = "--port", description = "port to listen on (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--bind", paramLabel = "ADDR",
            description = "address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 serves the network)")
    String bind;
    @Option(names = "--data", paramLabel = "DIR", description = "where the metadata lives (default: ${DEFAULT-VALUE})")
    Path data;
    @Option(names = "--replication", paramLabel = "N", description = "replicas per chunk (default: ${DEFAULT-VALUE})")
    int replication;
    @Option(names = "--min-replicas", paramLabel = "N",
            description = "fewest replicas a write may finish with when too few datanodes are live (default: ${DEFAULT-VALUE})")
    int minReplicas;
    @Option(names = "--chunk-size", paramLabel = "SIZE", description = "largest chunk (default: ${DEFAULT-VALUE})")
    String chunkSize;
    @Option(names = "--dead-after", paramLabel = "DURATION",
            description = "a datanode silent this long is dead (default: ${DEFAULT-VALUE})")
    Duration deadAfter;
    @Option(names = "--gc-grace", paramLabel = "DURATION",
            description = "how long a dropped chunk is kept before datanodes delete it (default: ${DEFAULT-VALUE})")
    Duration gcGrace;
    @Option(names = "--orphan-grace", paramLabel = "DURATION",
            description = "how long a stored chunk that no file uses and no writer holds is kept before deletion (default: ${DEFAULT-VALUE})")
    Duration orphanGrace;
    @Option(names = "--safe-mode-timeout", paramLabel = "DURATION",
            description = "after a start, repair and deletion wait this long at most for known datanodes to report (default: ${DEFAULT-VALUE})")
    Duration safeModeTimeout;
    @Option(names = "--repair-rate", paramLabel = "N",
            description = "chunk copies handed to one datanode per heartbeat during repair (default: ${DEFAULT-VALUE})")
    int repairRate;
    @Option(names = "--chunk-lease", paramLabel = "DURATION",
            description = "how long a writer holds a chunk it has not committed without renewing its lease; an uncommitted"
                    + " chunk is collected as an orphan only once its lease has lapsed (default: ${DEFAULT-VALUE})")
    Duration chunkLease;
    @Option(names = "--session-ttl", paramLabel = "DURATION",
            description = "how long a mount's session, and so every lock it holds, outlives the mount's last renewal:"
                    + " a mount that died releases its locks this long after (default: ${DEFAULT-VALUE})")
    Duration sessionTtl;
    @Option(names = "--meta", paramLabel = "URL",
            description = "keep the metadata in this PostgreSQL database (postgresql://USER@HOST:PORT/DB) instead of"
                    + " SQLite in DIR/meta.db; the password comes from --meta-password-file, PGPASSWORD or PGPASSFILE")
    String meta;
    @Option(names = "--meta-password-file", paramLabel = "FILE",
            description = "the file whose first line is the PostgreSQL password (never on the command line)")
    Path metaPasswordFile;
    @Mixin
    ServingOptions serving = new ServingOptions();
    @Option(names = "--log-level", paramLabel = "LEVEL", description = "ERROR, WARN, INFO (default) or DEBUG")
    String logLevel;

    /** SQLite in the data directory, or the PostgreSQL database {@code meta} names. */
    static StoreOpener store(String meta, Path passwordFile) throws IOException {
        if (meta == null) {
            if (passwordFile != null) {
                throw new CairnException(ErrorCode.EINVAL, "--meta-password-file goes with --meta postgresql://...");
            }
            return StoreOpener.sqlite();
        }
        if (!PostgresUrl.is(meta)) {
            throw new CairnException(ErrorCode.EINVAL, "--meta takes a PostgreSQL URL (postgresql://USER@HOST:PORT/DB), not "
                    + meta);
        }
        return StoreOpener.postgres(PostgresUrl.parse(meta, passwordFile, System.getenv()));
    }

    private static String where(String meta) {
        try {
            return PostgresUrl.parse(meta, null, Map.of()).where();
        } catch (IOException e) {
            return meta;
        }
    }

    @Override
    public Integer call() throws Exception {
        Foreground.setLogLevel(logLevel, "INFO");
        MasterConfig config = new MasterConfig(bind, port, data, replication, minReplicas, Units.parseSize(chunkSize),
                deadAfter, gcGrace, orphanGrace, safeModeTimeout, repairRate, chunkLease, Clock.systemUTC(),
                serving.transport(), sessionTtl);
        var stop = Foreground.stopSignal();
        StoreOpener store = store(meta, metaPasswordFile);
        MasterServer server = MasterServer.start(config, List.of(), store);
        System.err.println("cairn master: cluster " + server.clusterId() + " at " + server.url() + ", "
                + (meta == null ? "data in " + data.toAbsolutePath().normalize() : "metadata in " + where(meta)));
        if (java.nio.file.Files.exists(server.adminTokenFile())) {
            System.err.println("cairn master: cluster key " + server.clusterKeyFile() + ", first admin token "
                    + server.adminTokenFile() + " (give it with --token-file; keep both secret)");
        }
        return Foreground.runUntilSignalled(server, stop);
    }
}
