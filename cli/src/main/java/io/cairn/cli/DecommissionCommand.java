package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.wire.NodeInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "decommission", mixinStandardHelpOptions = true,
        description = {"Drain a datanode (by id, id prefix or address): it takes no new chunks and its replicas",
            "are copied to other nodes, then dropped from it. Returns once draining starts, unless --wait."})
final class DecommissionCommand extends ClientCommand {
    @Parameters(paramLabel = "NODE")
    String node;
    @Option(names = "--wait", description = "block until no replica is left on the node, showing progress")
    boolean waitDone;

    @Override
    int run(Cluster c) throws Exception {
        NodeInfo n = c.master().decommission(node);
        System.out.println("decommissioning " + n.id() + " (" + n.address() + "): " + n.replicas() + " replicas to move");
        if (!waitDone) {
            return 0;
        }
        long last = -1;
        while (true) {
            NodeInfo now = c.master().nodes().stream().filter(x -> x.id().equals(n.id())).findFirst().orElseThrow();
            if (now.replicas() != last) {
                System.out.println("  " + now.replicas() + " replicas left");
                last = now.replicas();
            }
            if (now.replicas() == 0) {
                System.out.println("done: " + n.id() + " holds no replicas and can be stopped");
                return 0;
            }
            Thread.sleep(1000);
        }
    }
}
