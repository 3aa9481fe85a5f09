package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Attr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "mv", mixinStandardHelpOptions = true,
        description = {"Move or rename in Cairn, like the shell's mv: into DEST when it is a directory.",
            "Each move is one atomic rename on the master."})
final class MvCommand extends ClientCommand {
    @Parameters(paramLabel = "SOURCE... DEST", arity = "2..*")
    List<String> args;
    @Option(names = {"-n", "--no-clobber"}, description = "do not replace an existing file")
    boolean noClobber;

    @Override
    int run(Cluster c) throws Exception {
        String dest = Remote.path(args.get(args.size() - 1));
        List<String> sources = args.subList(0, args.size() - 1);
        Attr d = Remote.attrOrNull(c.master(), dest);
        boolean intoDir = d != null && d.isDir();
        if (sources.size() > 1 && !intoDir) {
            throw new CairnException(ErrorCode.ENOTDIR, "target " + dest + " is not a directory");
        }
        for (String s : sources) {
            String src = Remote.path(s);
            String to = intoDir ? Remote.child(dest, PathRules.baseName(src)) : dest;
            if (intoDir && to.equals(src)) {
                continue;
            }
            c.master().rename(src, to, noClobber);
        }
        return 0;
    }
}
