package io.cairn.cli;

import io.cairn.server.tls.ClusterCa;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cairn admin tls ...}: the cluster's own certificate authority. */
final class TlsCommands {
    private TlsCommands() {
    }

    @Command(name = "tls", mixinStandardHelpOptions = true, description = "Certificates for TLS between Cairn processes.",
            subcommands = {Init.class})
    static final class Tls implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a tls task (init)");
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Make a cluster CA in DIR (ca.pem, ca.key mode 0600) unless DIR has one, and with it a"
                    + " certificate per --host: HOST.pem (its certificate, then the CA's) and HOST.key (mode 0600).",
                "Give servers --tls-cert DIR/HOST.pem --tls-key DIR/HOST.key, and every client --tls-ca DIR/ca.pem.",
                "Run it again with a new --host to add a host: the CA in DIR is reused. Keep ca.key off the servers."})
    static final class Init implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "where the CA is, or is made")
        Path dir;
        @Option(names = "--host", required = true, paramLabel = "NAME[,NAME...]",
                description = {"one host: the DNS names and IP addresses clients reach it by, comma separated, all"
                        + " put in its certificate (an IP as an IP subjectAltName); the first names its files.",
                    "Repeat for more hosts."})
        List<String> hosts;

        @Override
        public Integer call() throws Exception {
            ClusterCa ca = ClusterCa.openOrCreate(dir);
            if (ca.made()) {
                System.out.println("made the cluster CA: " + ca.certFile() + " (give it to clients with --tls-ca), "
                        + ca.keyFile() + " (mode 0600; keep it secret)");
            } else {
                System.out.println("using the cluster CA in " + ca.certFile());
            }
            for (String h : hosts) {
                List<String> names = List.of(h.split(","));
                ca.issue(names);
                System.out.println("made " + ca.hostCertFile(names.get(0)) + " and " + ca.hostKeyFile(names.get(0))
                        + " (mode 0600) for " + String.join(", ", names));
            }
            return 0;
        }
    }
}
