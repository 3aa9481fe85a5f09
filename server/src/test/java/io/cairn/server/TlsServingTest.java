package io.cairn.server;

import io.cairn.common.client.Credentials;
import io.cairn.common.client.Http;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.tls.ClientTls;
import io.cairn.common.tls.TlsFailure;
import io.cairn.server.tls.ClusterCa;
import io.cairn.server.tls.ServerTls;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.TlsVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTPS over real sockets, with certificates made by the code {@code cairn admin tls init} runs:
 * a client trusting the cluster CA is served; one trusting another CA, or only the JVM's, is
 * refused in one line naming the cause, as is a certificate for other names; plain HTTP to the TLS
 * port and HTTPS to a plain port each get one line saying what the server speaks; a key file
 * others may read is refused.
 */
@Timeout(60)
class TlsServingTest {
    record Echo(String text) {
    }

    @TempDir
    Path dir;
    private final AtomicInteger served = new AtomicInteger();
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<Http> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(HttpServer::close);
        for (Http h : clients) {
            h.client().dispatcher().executorService().shutdown();
            h.client().connectionPool().evictAll();
        }
    }

    private HttpServer start(ServerTls tls) throws IOException {
        HttpServer s = HttpServer.builder("test server")
                .group("hello", Guard.OPEN, r -> r.get("/hello", ctx -> {
                    served.incrementAndGet();
                    Reply.json(ctx, new Echo("hi"));
                }))
                .tls(tls)
                .start("127.0.0.1", 0);
        servers.add(s);
        return s;
    }

    /** A CA in {@code caDir} and a certificate from it for {@code names}, the first naming the files. */
    private static ServerTls issue(Path caDir, String... names) throws IOException {
        ClusterCa ca = ClusterCa.openOrCreate(caDir);
        ca.issue(List.of(names));
        return new ServerTls(ca.hostCertFile(names[0]), ca.hostKeyFile(names[0]));
    }

    private Http client(ClientTls tls) {
        Http h = new Http(Duration.ofSeconds(5), Credentials.NONE, tls, null);
        clients.add(h);
        return h;
    }

    private static Echo hello(Http h, String url) throws IOException {
        return h.call(new Request.Builder().url(url + "/hello").build(), Echo.class);
    }

    @Test
    void newCertificateFilesAreServedWithoutARestartAndUnusableOnesLeaveTheOldInPlace() throws Exception {
        ServerTls first = issue(dir, "127.0.0.1");
        Path cert = dir.resolve("served.pem");
        Path key = dir.resolve("served.key");
        Files.copy(first.certFile(), cert);
        Files.copy(first.keyFile(), key);
        HttpServer s = HttpServer.builder("test server")
                .group("hello", Guard.OPEN, r -> r.get("/hello", ctx -> Reply.json(ctx, new Echo("hi"))))
                .tls(new ServerTls(cert, key)).tlsReloadEvery(Duration.ofMillis(100))
                .start("127.0.0.1", 0);
        servers.add(s);
        Http h = client(ClientTls.fromCaFile(dir.resolve("ca.pem")));
        String url = "https://127.0.0.1:" + s.port();
        java.math.BigInteger before = served(h, url);
        assertThat(before).isEqualTo(((java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(Files.newInputStream(first.certFile()))).getSerialNumber());

        // a key that is not the certificate's (half of a copy): the old certificate stays
        ServerTls next = issue(dir, "next-host", "127.0.0.1");
        Files.copy(next.certFile(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Thread.sleep(500);
        assertThat(served(h, url)).as("a certificate without its key is not served").isEqualTo(before);

        Files.copy(next.keyFile(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        java.math.BigInteger now = served(h, url);
        while (now.equals(before) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = served(h, url);
        }
        assertThat(now).as("the new certificate is served to new connections").isNotEqualTo(before);
        assertThat(hello(h, url)).isEqualTo(new Echo("hi"));
    }

    /** The serial number of the certificate the server presents on a new connection. */
    private static java.math.BigInteger served(Http h, String url) throws IOException {
        h.client().connectionPool().evictAll();
        try (Response r = h.client().newCall(new Request.Builder().url(url + "/hello").build()).execute()) {
            return ((java.security.cert.X509Certificate) r.handshake().peerCertificates().get(0)).getSerialNumber();
        }
    }

    @Test
    void aClientTrustingTheClusterCaIsServedOverTls13Or12ByNameAndByIp() throws IOException {
        HttpServer s = start(issue(dir, "localhost", "127.0.0.1"));
        Http h = client(ClientTls.fromCaFile(dir.resolve("ca.pem")));

        assertThat(hello(h, "https://127.0.0.1:" + s.port())).isEqualTo(new Echo("hi"));
        assertThat(hello(h, "https://localhost:" + s.port())).isEqualTo(new Echo("hi"));
        try (Response r = h.client().newCall(new Request.Builder().url("https://127.0.0.1:" + s.port() + "/hello").build())
                .execute()) {
            assertThat(r.handshake()).isNotNull();
            assertThat(r.handshake().tlsVersion()).isIn(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2);
        }
        assertThat(served).hasValue(3);
    }

    @Test
    void aKeyInTheTraditionalPemFormIsServedToo() throws Exception {
        ServerTls pkcs8 = issue(dir, "127.0.0.1");
        Path traditional = dir.resolve("traditional.key");
        // openssl pkey -in 127.0.0.1.key -traditional -out traditional.key
        Process p = new ProcessBuilder("openssl", "pkey", "-in", pkcs8.keyFile().toString(), "-traditional",
                "-out", traditional.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
        Files.setPosixFilePermissions(traditional, PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(traditional)).startsWith("-----BEGIN EC PRIVATE KEY-----");

        HttpServer s = start(new ServerTls(pkcs8.certFile(), traditional));

        assertThat(hello(client(ClientTls.fromCaFile(dir.resolve("ca.pem"))), "https://127.0.0.1:" + s.port()))
                .isEqualTo(new Echo("hi"));
    }

    @Test
    void aClientTrustingAnotherCaIsRefusedNamingTheServerAndTheCaFile() throws IOException {
        HttpServer s = start(issue(dir.resolve("ours"), "127.0.0.1"));
        Path otherCa = ClusterCa.openOrCreate(dir.resolve("theirs")).certFile();

        assertThatThrownBy(() -> hello(client(ClientTls.fromCaFile(otherCa)), "https://127.0.0.1:" + s.port()))
                .isInstanceOf(TlsFailure.class)
                .hasMessage("the server at https://127.0.0.1:" + s.port() + " presented a certificate not signed by the CA"
                        + " in " + otherCa);
        assertThat(served).hasValue(0);
    }

    @Test
    void aClientWithNoCaTrustsOnlyTheJvmsStoreAndIsRefused() throws IOException {
        HttpServer s = start(issue(dir, "127.0.0.1"));

        assertThatThrownBy(() -> hello(client(ClientTls.JVM_DEFAULT), "https://127.0.0.1:" + s.port()))
                .isInstanceOf(TlsFailure.class)
                .hasMessage("the server at https://127.0.0.1:" + s.port() + " presented a certificate not signed by a CA"
                        + " in the JVM's default trust store (give --tls-ca FILE)");
    }

    @Test
    void aCertificateForOtherNamesIsRefusedNamingTheHostAsked() throws IOException {
        HttpServer s = start(issue(dir, "elsewhere.example", "10.9.8.7"));

        assertThatThrownBy(() -> hello(client(ClientTls.fromCaFile(dir.resolve("ca.pem"))), "https://127.0.0.1:" + s.port()))
                .isInstanceOf(TlsFailure.class)
                .hasMessageStartingWith("the server at https://127.0.0.1:" + s.port()
                        + " presented a certificate that does not name 127.0.0.1");
        assertThat(served).hasValue(0);
    }

    @Test
    void plainHttpToTheTlsPortIsAnsweredWithOneLineAndReachesNoRoute() throws IOException {
        HttpServer s = start(issue(dir, "127.0.0.1"));

        assertThatThrownBy(() -> hello(client(ClientTls.JVM_DEFAULT), "http://127.0.0.1:" + s.port()))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EPROTO))
                .hasMessage("the test server at http://127.0.0.1:" + s.port() + " speaks HTTPS: use https://127.0.0.1:"
                        + s.port());
        assertThat(served).hasValue(0);
    }

    @Test
    void httpsToAPlainPortSaysTheServerSpeaksPlainHttp() throws IOException {
        HttpServer s = start(null);

        assertThatThrownBy(() -> hello(client(ClientTls.JVM_DEFAULT), "https://127.0.0.1:" + s.port()))
                .isInstanceOf(TlsFailure.class)
                .hasMessageStartingWith("the server at https://127.0.0.1:" + s.port() + " speaks plain HTTP");
    }

    @Test
    void aKeyFileOthersMayReadIsRefusedLikeEverySecret() throws IOException {
        ServerTls tls = issue(dir, "127.0.0.1");
        Files.setPosixFilePermissions(tls.keyFile(), PosixFilePermissions.fromString("rw-r-----"));

        assertThatThrownBy(() -> start(tls))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EACCES))
                .hasMessage("refusing " + tls.keyFile() + ": others may read or change it (mode rw-r-----); run chmod 600 "
                        + tls.keyFile());
    }

    @Test
    void aKeyReachedThroughASymlinkIsJudgedByTheFileItPointsTo() throws IOException {
        ServerTls tls = issue(dir, "127.0.0.1");
        Path link = dir.resolve("live.key");
        Files.createSymbolicLink(link, tls.keyFile()); // as certificate tools keep their live/ keys

        HttpServer s = start(new ServerTls(tls.certFile(), link));
        assertThat(hello(client(ClientTls.fromCaFile(dir.resolve("ca.pem"))), "https://127.0.0.1:" + s.port()))
                .isEqualTo(new Echo("hi"));

        Files.setPosixFilePermissions(tls.keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> start(new ServerTls(tls.certFile(), link)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EACCES))
                .hasMessageContaining("chmod 600 " + link);
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() throws IOException {
        ServerTls a = issue(dir, "127.0.0.1");
        ServerTls b = issue(dir, "localhost");

        assertThatThrownBy(() -> start(new ServerTls(a.certFile(), b.keyFile())))
                .isInstanceOf(CairnException.class)
                .hasMessage("the key in " + b.keyFile() + " does not belong to the first certificate in " + a.certFile());
    }
}
