package io.cairn.cli;

import io.cairn.server.tls.ServerTls;
import io.cairn.server.tls.Transport;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How a master or a datanode serves: HTTPS with a certificate and key, or plain HTTP (off loopback only when told). */
final class ServingOptions {
    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "serve HTTPS with this PEM certificate chain (this host's certificate first; cairn admin tls init makes one)")
    Path tlsCert;
    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "the PEM private key of --tls-cert (PKCS#8 or traditional, unencrypted, mode 0600)")
    Path tlsKey;
    @Option(names = "--insecure-http", description = "serve plain HTTP even on an address that is not loopback (tokens and"
            + " data then cross the network unencrypted); without TLS, only loopback is served unless this is given")
    boolean insecureHttp;

    /** The transport these options ask for (the certificate and key are read when the server starts). */
    Transport transport() {
        return new Transport(ServerTls.of(tlsCert, tlsKey), insecureHttp);
    }
}
