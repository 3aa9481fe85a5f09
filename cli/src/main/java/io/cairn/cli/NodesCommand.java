package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.json.Json;
import io.cairn.common.units.Units;
import io.cairn.common.wire.NodeInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "List the datanodes: id, address, live/dead, capacity, used, chunk count.")
final class NodesCommand extends ClientCommand {
    @Option(names = "--json", description = "print a JSON array")
    boolean json;

    @Override
    int run(Cluster c) throws Exception {
        List<NodeInfo> nodes = c.master().nodes();
        if (json) {
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(nodes));
            return 0;
        }
        System.out.printf("%-36s  %-28s  %-5s  %10s  %10s  %8s%n", "ID", "ADDRESS", "STATE", "CAPACITY", "USED", "CHUNKS");
        for (NodeInfo n : nodes) {
            System.out.printf("%-36s  %-28s  %-5s  %10s  %10s  %8d%n", n.id(), n.address(), n.state(),
                    Units.formatSize(n.capacity()), Units.formatSize(n.used()), n.chunks());
        }
        return 0;
    }
}
