package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ListPage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.List;

@Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove files (and, with -r, directories) from Cairn.")
final class RmCommand extends ClientCommand {
    @Parameters(paramLabel = "PATH", arity = "1..*")
    List<String> paths;
    @Option(names = {"-r", "-R", "--recursive"}, description = "remove directories and their contents")
    boolean recursive;
    @Option(names = {"-f", "--force"}, description = "ignore paths that do not exist")
    boolean force;

    @Override
    int run(Cluster c) throws Exception {
        for (String p : paths) {
            String path = Remote.path(p);
            if (path.equals("/")) {
                throw new CairnException(ErrorCode.EPERM, "refusing to remove /");
            }
            Attr a = Remote.attrOrNull(c.master(), path);
            if (a == null) {
                if (force) {
                    continue;
                }
                throw new CairnException(ErrorCode.ENOENT, "no such file or directory: " + path);
            }
            if (a.isDir()) {
                if (!recursive) {
                    throw new CairnException(ErrorCode.EISDIR, path + " is a directory (use -r)");
                }
                removeTree(c.master(), path);
            } else {
                c.master().unlink(path);
            }
        }
        return 0;
    }

    /** Depth first, a page at a time, so a huge tree never has to be listed whole. */
    private static void removeTree(MasterClient m, String dir) throws IOException {
        while (true) {
            ListPage page = m.list(dir, null, 1000);
            if (page.entries().isEmpty()) {
                break;
            }
            for (var e : page.entries()) {
                String child = Remote.child(dir, e.name());
                if (e.attr().isDir()) {
                    removeTree(m, child);
                } else {
                    m.unlink(child);
                }
            }
        }
        m.rmdir(dir);
    }
}
