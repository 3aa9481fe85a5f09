package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.json.Json;
import io.cairn.common.wire.Replies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "fsck", mixinStandardHelpOptions = true,
        description = {"Check files and their chunks: under-replicated (fewer than R good live replicas),",
            "missing (no good live replica) or corrupt (a replica known bad and not yet replaced).",
            "Exit status: 0 nothing missing, 1 data missing, 2 the check could not run."})
final class FsckCommand extends ClientCommand {
    @Parameters(paramLabel = "PATH", defaultValue = "/", arity = "0..1")
    String path;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    int run(Cluster c) throws Exception {
        Replies.FsckReport r;
        try {
            r = c.master().fsck(Remote.path(path));
        } catch (io.cairn.common.error.CairnException e) {
            throw new Failures.UsageException("the check could not run: " + e.getMessage()); // exit 2, as fsck promises
        }
        if (json) {
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(r));
        } else {
            if (r.safeMode()) {
                System.out.println("WAITING: " + r.status());
            }
            for (Replies.FsckProblem p : r.paths()) {
                System.out.println(p.path() + ": " + p.problem());
            }
            System.out.printf("%d files, %d chunks: %d under-replicated, %d missing, %d corrupt%n", r.files(), r.chunks(),
                    r.underReplicated(), r.missing(), r.corrupt());
            System.out.println(r.missing() > 0 ? "Status: MISSING DATA" : r.underReplicated() + r.corrupt() > 0
                    ? "Status: HEALTHY BUT REPAIRING" : "Status: HEALTHY");
        }
        return r.missing() > 0 ? 1 : 0;
    }
}
