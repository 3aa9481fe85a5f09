package io.cairn.cli;

import io.cairn.common.client.Cluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "mkdir", mixinStandardHelpOptions = true, description = "Make directories in Cairn.")
final class MkdirCommand extends ClientCommand {
    @Parameters(paramLabel = "PATH", arity = "1..*")
    List<String> paths;
    @Option(names = {"-p", "--parents"}, description = "make parents as needed; no error if it exists")
    boolean parents;
    @Option(names = {"-m", "--mode"}, paramLabel = "MODE", description = "permission bits in octal (default 755)")
    String mode;

    @Override
    int run(Cluster c) throws Exception {
        int[] owner = Remote.owner();
        int m = mode == null ? 0755 : Integer.parseInt(mode, 8);
        for (String p : paths) {
            c.master().mkdir(Remote.path(p), m, owner[0], owner[1], parents);
        }
        return 0;
    }
}
