package io.cairn.cli;

import io.cairn.common.client.Cluster;
import io.cairn.common.security.SecretFile;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** {@code cairn admin token ...} and {@code cairn admin join-token}: what an admin token allows. */
final class TokenCommands {
    private TokenCommands() {
    }

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Make, list and revoke client tokens.",
            subcommands = {Create.class, ListTokens.class, Revoke.class})
    static final class Token implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a token task (create, list, revoke)");
        }
    }

    /** Exactly one scope. */
    static final class ScopeChoice {
        @Option(names = "--read-write", required = true, description = "read and change files") boolean readWrite;
        @Option(names = "--read-only", required = true, description = "read files only") boolean readOnly;
        @Option(names = "--admin", required = true, description = "everything, tokens and backups included") boolean admin;
        @Option(names = "--metrics", required = true, description = "the cluster's status only") boolean metrics;

        String wire() {
            return readWrite ? "read-write" : readOnly ? "read-only" : admin ? "admin" : "metrics";
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Make a token named NAME. It is shown once: written to --out FILE (mode 0600), else printed.",
                "Give it to a mount or command with --token-file FILE or $CAIRN_TOKEN_FILE."})
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "letters, digits, '.', '_', '-'; used to list and revoke it")
        String name;
        @ArgGroup(exclusive = true, multiplicity = "1")
        ScopeChoice scope;
        @Option(names = "--ttl", paramLabel = "DURATION", description = "how long it works (default: until revoked)")
        Duration ttl;
        @Option(names = "--out", paramLabel = "FILE", description = "write the token to FILE (mode 0600) instead of printing it")
        Path out;
        @Option(names = "--path", paramLabel = "DIR", description = {"confine a read-write or read-only token to directory"
                + " DIR: its / is DIR, and nothing outside DIR can be named through it (as an NFS export of a"
                + " subdirectory)"})
        String path;
        @Option(names = "--uids", paramLabel = "RANGES", description = "the uids it may give files (made or chowned),"
                + " e.g. 1000-1999,3000 (default: any)")
        String uids;
        @Option(names = "--gids", paramLabel = "RANGES", description = "the gids it may give files (default: any)")
        String gids;
        @Option(names = "--squash-root", description = "uid and gid 0 of its callers become 65534 (nobody), as NFS's"
                + " root_squash")
        boolean squashRoot;
        @Option(names = "--squash-all", description = "every uid and gid of its callers becomes 65534 (nobody), as"
                + " NFS's all_squash: whoever calls acts as nobody")
        boolean squashAll;

        @Override
        int run(Cluster c) throws Exception {
            Replies.TokenMade t = c.master().createToken(new Requests.TokenCreate(name, scope.wire(),
                    ttl == null ? null : ttl.toMillis(), path, uids, gids, squashRoot ? Boolean.TRUE : null,
                    squashAll ? Boolean.TRUE : null));
            emit(t, out);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the tokens (names, scopes and directories, never the tokens).")
    static final class ListTokens extends ClientCommand {
        @Override
        int run(Cluster c) throws Exception {
            System.out.printf("%-24s  %-16s  %-20s  %-20s  %-16s  %-16s  %s%n", "NAME", "SCOPE", "MADE", "ENDS", "MADE BY",
                    "PATH", "OWNERS");
            for (Replies.TokenInfo t : c.master().tokens()) {
                System.out.printf("%-24s  %-16s  %-20s  %-20s  %-16s  %-16s  %s%n", t.name(), t.scope(),
                        Instant.ofEpochMilli(t.createdMs()), t.expiresMs() == 0 ? "never" : Instant.ofEpochMilli(t.expiresMs()),
                        t.madeBy(), t.subtree() == null ? "/" : t.subtree(), owners(t));
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke the token named NAME: within a second it opens nothing on any master.")
    static final class Revoke extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Cluster c) throws Exception {
            c.master().revokeToken(name);
            System.out.println("revoked " + name);
            return 0;
        }
    }

    @Command(name = "join-token", mixinStandardHelpOptions = true,
            description = {"Make a one-time join token for a datanode, written to --out FILE (mode 0600) or printed.",
                "Start the datanode with --join-token-file FILE: it enrolls once and keeps its own key in node.key."})
    static final class JoinToken extends ClientCommand {
        @Option(names = "--node", paramLabel = "ID",
                description = "only datanode ID may use it (and may enroll again, to be given its key once more)")
        String node;
        @Option(names = "--ttl", paramLabel = "DURATION", description = "how long it can be used (default: 1h, at most 7d)")
        Duration ttl;
        @Option(names = "--out", paramLabel = "FILE", description = "write the token to FILE (mode 0600) instead of printing it")
        Path out;

        @Override
        int run(Cluster c) throws Exception {
            emit(c.master().createJoinToken(node, ttl == null ? null : ttl.toMillis()), out);
            return 0;
        }
    }

    /** A token's owner limits as listed: {@code uids 1000-1999 gids any root squashed}, or {@code any}. */
    static String owners(Replies.TokenInfo t) {
        if (t.uids() == null && t.gids() == null && !t.squashRoot() && !t.squashAll()) {
            return "any";
        }
        return "uids " + (t.uids() == null ? "any" : t.uids()) + " gids " + (t.gids() == null ? "any" : t.gids())
                + (t.squashAll() ? " all squashed" : t.squashRoot() ? " root squashed" : "");
    }

    private static void emit(Replies.TokenMade t, Path out) throws Exception {
        String ends = t.expiresMs() == 0 ? "until revoked" : "until " + Instant.ofEpochMilli(t.expiresMs());
        if (out != null) {
            SecretFile.write(out, t.token(), false);
            System.out.println("token " + t.name() + " (" + t.scope() + ", " + ends + ") written to " + out);
        } else {
            System.err.println("token " + t.name() + " (" + t.scope() + ", " + ends + "); it is shown only now:");
            System.out.println(t.token());
        }
    }
}
