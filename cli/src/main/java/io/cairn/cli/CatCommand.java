package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.util.List;

@Command(name = "cat", mixinStandardHelpOptions = true, description = "Print Cairn files to standard output.")
final class CatCommand extends ClientCommand {
    @Parameters(paramLabel = "PATH", arity = "1..*")
    List<String> paths;

    @Override
    int run(Cluster c) throws Exception {
        OutputStream out = new BufferedOutputStream(Local.stdout(), 1 << 16);
        for (String p : paths) {
            String path = Remote.path(p);
            Attr a = c.master().attr(path);
            if (!a.isFile()) {
                throw new CairnException(a.isDir() ? ErrorCode.EISDIR : ErrorCode.EINVAL, path + " is not a regular file");
            }
            c.downloader(2).download(a.inode(), out, n -> { });
        }
        out.flush();
        return 0;
    }
}
