package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ListPage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.List;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List directories (or show files) in Cairn.")
final class LsCommand extends ClientCommand {
    @Parameters(paramLabel = "PATH", arity = "0..*")
    List<String> paths;
    @Option(names = "-l", description = "long format: mode, links, owner, group, size, modified time, name")
    boolean longFormat;

    @Override
    int run(Cluster c) throws Exception {
        List<String> targets = paths == null || paths.isEmpty() ? List.of("/") : paths;
        PrintStream out = System.out;
        for (int i = 0; i < targets.size(); i++) {
            String path = Remote.path(targets.get(i));
            Attr a = c.master().attr(path);
            if (!a.isDir()) {
                out.println(longFormat ? Format.lsLine(a, path) : path);
                continue;
            }
            if (targets.size() > 1) {
                out.println((i > 0 ? "\n" : "") + path + ":");
            }
            String after = null;
            do { // page by page: a huge directory never has to fit in memory
                ListPage page = c.master().list(path, after, 1000);
                for (var e : page.entries()) {
                    out.println(longFormat ? Format.lsLine(e.attr(), e.name()) : e.name());
                }
                after = page.next();
            } while (after != null);
        }
        out.flush();
        return 0;
    }
}
