package io.cairn.it.netns;

import io.cairn.it.Proc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What can be checked of the install script, the systemd units and the Vagrant demo without booting VMs. */
@Timeout(300)
class DeployScriptsIT {
    @TempDir
    Path tmp;

    @Test
    void everyScriptParses() throws Exception {
        for (String s : List.of("bin/cairn", "bin/install-deps", "bin/test", "deploy/install.sh", "vagrant/provision.sh",
                "bench/fuse-bench.sh", ".ci/run")) {
            MultiHostIT.Out o = MultiHostIT.run("bash", "-n", Proc.root().resolve(s).toString());
            assertThat(o.exit()).as(s + ": " + o.out()).isZero();
        }
    }

    @Test
    void installWithoutSystemdGivesAWorkingCairnUnderThePrefix() throws Exception {
        Path prefix = tmp.resolve("opt-cairn");
        MultiHostIT.Out o = MultiHostIT.run(Proc.root().resolve("deploy/install.sh").toString(), "--role", "datanode",
                "--bind", "10.0.0.11", "--master", "http://10.0.0.10:5000", "--advertise", "http://10.0.0.11:6000", "--prefix", prefix.toString(),
                "--no-systemd");
        assertThat(o.exit()).as(o.out()).isZero();
        MultiHostIT.Out v = MultiHostIT.run(prefix.resolve("bin/cairn").toString(), "--version");
        assertThat(v.out()).startsWith("cairn ");
        assertThat(Files.exists(prefix.resolve("share/cairn/cairn-cli.jar"))).isTrue();
        MultiHostIT.Out again = MultiHostIT.run(Proc.root().resolve("deploy/install.sh").toString(), "--role", "master",
                "--bind", "10.0.0.10", "--prefix", prefix.toString(), "--no-systemd");
        assertThat(again.exit()).as("idempotent: " + again.out()).isZero();
        MultiHostIT.Out bad = MultiHostIT.run(Proc.root().resolve("deploy/install.sh").toString(), "--role", "datanode",
                "--bind", "10.0.0.11", "--prefix", prefix.toString(), "--no-systemd");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.out()).contains("--master");
        MultiHostIT.Out unbound = MultiHostIT.run(Proc.root().resolve("deploy/install.sh").toString(), "--role", "master",
                "--prefix", prefix.toString(), "--no-systemd");
        assertThat(unbound.exit()).as("nothing is exposed on every address by default").isEqualTo(2);
        assertThat(unbound.out()).contains("--bind");
        MultiHostIT.Out noJoin = MultiHostIT.run(Proc.root().resolve("deploy/install.sh").toString(), "--role", "datanode",
                "--bind", "10.0.0.11", "--master", "http://10.0.0.10:5000", "--advertise", "http://10.0.0.11:6000",
                "--prefix", prefix.toString(), "--data", tmp.resolve("dn").toString());
        assertThat(noJoin.exit()).as("a datanode service needs a join token: " + noJoin.out()).isEqualTo(2);
        assertThat(noJoin.out()).contains("--join-token-file").contains("cairn admin join-token");
    }

    @Test
    void eachUnitRunsASubcommandThatExists() throws Exception {
        for (String unit : List.of("cairn-master", "cairn-datanode", "cairn-mount")) {
            String cmd = MultiHostIT.execStart(unit);
            String sub = cmd.replaceAll("^exec \"\\$CAIRN_BIN\" (\\S+).*$", "$1");
            MultiHostIT.Out help = MultiHostIT.run(Proc.cairn().toString(), sub, "--help");
            assertThat(help.exit()).as(unit + " runs `cairn " + sub + "`").isZero();
            String text = Files.readString(Proc.root().resolve("deploy/systemd/" + unit + ".service"));
            assertThat(text).contains("Restart=").contains("EnvironmentFile=/etc/cairn/");
            if (!unit.equals("cairn-mount")) {
                assertThat(text).as(unit + " runs as the cairn user").contains("User=cairn").contains("ProtectSystem=strict");
            }
        }
    }

    @Test
    void theVagrantfileValidatesWhenVagrantIsInstalled() throws Exception {
        MultiHostIT.Out which = MultiHostIT.run("bash", "-c", "command -v vagrant");
        if (which.exit() != 0) {
            System.out.println("vagrant is not installed: `vagrant validate` skipped (apt-get install --no-install-recommends vagrant)");
            return;
        }
        Process p = new ProcessBuilder("vagrant", "validate", "--ignore-provider").directory(Proc.root().toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Vagrantfile validated successfully");
    }
}
