package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.wire.Replies;
import io.cairn.master.security.ClusterKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cairn admin key ...}: versions of the cluster key, and moving datanodes to a new one. */
final class KeyCommands {
    private KeyCommands() {
    }

    @Command(name = "key", mixinStandardHelpOptions = true,
            description = {"Rotate the cluster key: datanodes' keys and chunk tokens are made from it.",
                "rotate adds a new version on the master's disk; running masters read it within a second and give"
                        + " each datanode its new key on its next heartbeat; status shows who has moved; retire drops"
                        + " an old version, after which a datanode still on it is refused."},
            subcommands = {Rotate.class, Retire.class, Status.class})
    static final class Key implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a key task (rotate, status, retire)");
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Add a new version of the cluster key in the master's data directory (run on the master's"
                    + " host; the file keeps its owner). The old versions stay until retired.",
                "Then copy DIR/cluster.key to every other master of the cluster."})
    static final class Rotate implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "DIR", description = "the master's data directory")
        Path data;

        @Override
        public Integer call() throws Exception {
            int v = ClusterKey.rotate(data);
            Path file = data.resolve(ClusterKey.FILE);
            System.out.println("made version " + v + " of the cluster key in " + file + ".");
            System.out.println("Copy " + file + " to every other master of this cluster (running masters read it within"
                    + " a second); each datanode moves to version " + v + " at its next call to a master.");
            System.out.println("When cairn admin key status shows every datanode on version " + v + ", retire the old"
                    + " version: cairn admin key retire " + (v - 1) + " --data " + data);
            return 0;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = {"Drop an old version of the cluster key from the master's data directory: a datanode that"
                    + " still signs with it is refused (enroll it again), and chunk tokens minted under it open nothing.",
                "Copy DIR/cluster.key to every other master afterwards."})
    static final class Retire implements Callable<Integer> {
        @Parameters(paramLabel = "VERSION", description = "the version to drop (not the newest)")
        int version;
        @Option(names = "--data", required = true, paramLabel = "DIR", description = "the master's data directory")
        Path data;

        @Override
        public Integer call() throws Exception {
            ClusterKey.retire(data, version);
            System.out.println("retired version " + version + " of the cluster key in " + data.resolve(ClusterKey.FILE)
                    + "; copy it to every other master of this cluster");
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "The cluster key versions the master holds, and the version each datanode last signed with"
                    + " (datanodes this master has heard from since it started).")
    static final class Status extends ClientCommand {
        @Override
        int run(Cluster c) throws Exception {
            Replies.KeyStatus s = c.master().keys();
            System.out.println("cluster key versions " + s.versions() + "; datanodes move to version " + s.current());
            System.out.printf("%-40s %s%n", "DATANODE", "KEY VERSION");
            int behind = 0;
            for (Replies.NodeKeyVersion n : s.nodes()) {
                System.out.printf("%-40s %d%s%n", n.nodeId(), n.keyVersion(), n.keyVersion() < s.current() ? " (moving)" : "");
                behind += n.keyVersion() < s.current() ? 1 : 0;
            }
            System.out.println(behind == 0 ? "every datanode heard from is on version " + s.current()
                    : behind + " datanode(s) not yet on version " + s.current());
            return 0;
        }
    }
}
