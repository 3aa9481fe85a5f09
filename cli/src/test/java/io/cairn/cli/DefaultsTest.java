package io.cairn.cli;

import io.cairn.common.units.Units;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.master.MasterConfig;
import io.cairn.mount.MountSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Each option's default is the configuration class's, and --help shows it as it would be typed. */
class DefaultsTest {
    private static CommandLine cli() {
        CommandLine cl = new CommandLine(new CairnCommand());
        cl.registerConverter(Duration.class, Units::parseDuration);
        return cl;
    }

    private static <T> T parsed(Class<T> type, String... args) {
        CommandLine.ParseResult r = cli().parseArgs(args);
        return type.cast(r.subcommand().commandSpec().userObject());
    }

    private static String help(String command) {
        StringWriter out = new StringWriter();
        CommandLine sub = cli().getSubcommands().get(command);
        sub.usage(new PrintWriter(out));
        return out.toString().replaceAll("\\s+", " ");
    }

    @Test
    void theMastersOptionsDefaultToMasterConfig() {
        MasterConfig d = MasterConfig.defaults(Path.of(MasterCommand.DEFAULT_DATA));
        MasterCommand c = parsed(MasterCommand.class, "master");
        assertThat(c.port).isEqualTo(d.port());
        assertThat(c.bind).isEqualTo(d.bind());
        assertThat(c.data).isEqualTo(d.dataDir());
        assertThat(c.replication).isEqualTo(d.replication());
        assertThat(c.minReplicas).isEqualTo(d.minReplicas());
        assertThat(Units.parseSize(c.chunkSize)).isEqualTo(d.chunkSize());
        assertThat(c.deadAfter).isEqualTo(d.deadAfter());
        assertThat(c.gcGrace).isEqualTo(d.gcGrace());
        assertThat(c.orphanGrace).isEqualTo(d.orphanGrace());
        assertThat(c.safeModeTimeout).isEqualTo(d.safeModeTimeout());
        assertThat(c.repairRate).isEqualTo(d.repairRate());
        assertThat(c.chunkLease).isEqualTo(d.chunkLease());
        assertThat(help("master")).contains("(default: 4MiB)", "(default: 15s)", "(default: 2m)", "(default: 1h)",
                "(default: " + d.port() + ")", "--chunk-lease=DURATION", "(default: 10m)");
    }

    @Test
    void theDatanodesOptionsDefaultToDatanodeConfig() {
        DatanodeConfig d = DatanodeConfig.defaults(DatanodeCommand.DEFAULT_PORT, Path.of("."), "http://m:1");
        DatanodeCommand c = parsed(DatanodeCommand.class, "datanode");
        assertThat(c.port).isEqualTo(d.port());
        assertThat(c.bind).isEqualTo(d.bind());
        assertThat(c.heartbeat).isEqualTo(d.heartbeat());
        assertThat(Units.parseSize(c.reserve)).isEqualTo(d.reserve());
        assertThat(Units.parseSize(c.scrubRate)).isEqualTo(d.scrubRate());
        assertThat(c.scrubInterval).isEqualTo(d.scrubInterval());
        assertThat(c.master).isEqualTo(ClientOptions.defaultMaster());
        assertThat(c.reportInterval).isEqualTo(d.reportInterval());
        assertThat(help("datanode")).contains("(default: 3s)", "default: 32MiB)", "(default: 1h)",
                "--report-interval=DURATION", "(default: 10m)");
    }

    @Test
    void theMountsAndTheClientsOptionsDefaultToMountSettings() {
        MountCommand m = parsed(MountCommand.class, "mount", "/mnt");
        assertThat(m.attrTimeout).isEqualTo(MountSettings.DEFAULT_ATTR_TIMEOUT);
        assertThat(m.timeout).isEqualTo(MountSettings.DEFAULT_TIMEOUT);
        assertThat(m.master).isEqualTo(ClientOptions.defaultMaster());
        LsCommand ls = parsed(LsCommand.class, "ls");
        assertThat(ls.client.timeout).isEqualTo(MountSettings.DEFAULT_TIMEOUT);
        assertThat(ls.client.masterUrl()).isEqualTo(ClientOptions.defaultMaster());
        assertThat(help("ls")).contains("(default: 30s)");
        assertThat(help("mount")).contains("(default: 1s; 0 = always ask)");
    }

    @Test
    void theDefaultMasterIsTheMastersDefaultAddress() {
        MasterConfig d = MasterConfig.defaults(Path.of("."));
        assertThat(ClientOptions.DEFAULT_MASTER).isEqualTo("http://" + d.bind() + ":" + d.port())
                .isEqualTo("http://127.0.0.1:5000");
    }

    @Test
    void anOptionGivenOverridesItsDefault() {
        MasterCommand c = parsed(MasterCommand.class, "master", "--dead-after", "3s", "--chunk-size", "1MiB");
        assertThat(c.deadAfter).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.chunkSize).isEqualTo("1MiB");
        assertThat(parsed(LsCommand.class, "ls", "--master", "http://h:1").client.masterUrl()).isEqualTo("http://h:1");
    }
}
