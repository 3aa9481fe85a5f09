package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.it.mount.Mounted;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster of real processes that speaks only HTTPS, with a CA from {@code cairn admin tls init}:
 * the CLI and a FUSE mount given the CA work as on plain HTTP; a client without the CA, or one
 * that calls http://, is refused in one line; and a master asked to serve plain HTTP off loopback
 * refuses unless given --insecure-http.
 */
@Timeout(300)
class TlsClusterIT {
    private static final Duration CMD = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void theCliAndAMountWithTheCaPutAndReadFilesOverTls() throws Exception {
        try (ProcessCluster c = ProcessCluster.tls(tmp, null, 2)) {
            assertThat(c.masterUrl()).startsWith("https://127.0.0.1:");
            for (JsonNode n : c.nodes()) {
                assertThat(n.path("address").asText()).as("a datanode with TLS advertises https://").startsWith("https://");
            }
            // cairn put f /f && cairn get /f back   (the CA from $CAIRN_TLS_CA)
            Path f = Data.randomFile(tmp.resolve("f"), 9L << 20, 1);
            Proc.Result put = c.cli(CMD, "put", f.toString(), "/f");
            assertThat(put.exit()).as(put.stderr()).isZero();
            Path back = tmp.resolve("back");
            Proc.Result get = c.cli(CMD, "get", "/f", back.toString());
            assertThat(get.exit()).as(get.stderr()).isZero();
            assertThat(Data.sha256(back)).isEqualTo(Data.sha256(f));

            Mounted.assumeFuse();
            Path g = Data.randomFile(tmp.resolve("g"), 6L << 20, 2);
            try (Mounted m = Mounted.at(tmp.resolve("mnt"), c.masterUrl()).tlsCa(c.caFile()).start()) {
                m.ok("cp " + g + " g");                      // cp g MOUNT/g
                assertThat(Data.sha256(m.dir.resolve("g"))).isEqualTo(Data.sha256(g));
                assertThat(Data.sha256(m.dir.resolve("f"))).isEqualTo(Data.sha256(f));
                assertThat(m.stop()).isZero();
            }
            Path gBack = tmp.resolve("g-back");
            assertThat(c.cli(CMD, "get", "/g", gBack.toString()).exit()).isZero();
            assertThat(Data.sha256(gBack)).isEqualTo(Data.sha256(g));
        }
    }

    @Test
    void aClientWithoutTheCaOrCallingHttpIsRefusedInOneLine() throws Exception {
        try (ProcessCluster c = ProcessCluster.tls(tmp, null, 1)) {
            Map<String, String> noCa = new HashMap<>(c.env());
            noCa.put("CAIRN_TLS_CA", "");
            Proc.Result untrusted = Proc.run(tmp.resolve("logs"), noCa, CMD, "ls", "--master", c.masterUrl(), "/");
            assertThat(untrusted.exit()).isEqualTo(2);
            assertThat(untrusted.stderr().strip()).isEqualTo("cairn ls: the master at " + c.masterUrl()
                    + " presented a certificate not signed by a CA in the JVM's default trust store (give --tls-ca FILE)");

            Path otherCa = tmp.resolve("other");
            assertThat(Proc.run(tmp.resolve("logs"), noCa, CMD, "admin", "tls", "init", otherCa.toString(), "--host",
                    "127.0.0.1").exit()).isZero();
            Proc.Result wrongCa = Proc.run(tmp.resolve("logs"), noCa, CMD, "ls", "--master", c.masterUrl(), "--tls-ca",
                    otherCa.resolve("ca.pem").toString(), "/");
            assertThat(wrongCa.exit()).isEqualTo(2);
            assertThat(wrongCa.stderr().strip()).isEqualTo("cairn ls: the master at " + c.masterUrl()
                    + " presented a certificate not signed by the CA in " + otherCa.resolve("ca.pem"));

            String plain = c.masterUrl().replace("https://", "http://");
            Proc.Result http = Proc.run(tmp.resolve("logs"), c.env(), CMD, "ls", "--master", plain, "/");
            assertThat(http.exit()).isEqualTo(2);
            assertThat(http.stderr().strip()).isEqualTo("cairn ls: the master at " + plain + " speaks HTTPS: use "
                    + c.masterUrl());

            Mounted.assumeFuse();
            Files.createDirectories(tmp.resolve("mnt"));
            var failed = Mounted.at(tmp.resolve("mnt"), c.masterUrl()).tlsCa(otherCa.resolve("ca.pem")).fail();
            assertThat(failed.exit()).isEqualTo(1);
            assertThat(failed.err().strip()).isEqualTo("cairn mount: the master at " + c.masterUrl()
                    + " presented a certificate not signed by the CA in " + otherCa.resolve("ca.pem"));
        }
    }

    @Test
    void aMasterOffLoopbackRefusesPlainHttpUnlessToldInsecureHttp() throws Exception {
        String ip = nonLoopbackIpv4();
        Assumptions.assumeTrue(ip != null, "no non-loopback IPv4 address here (PlainHttpTest covers the rule)");

        Proc.Result refused = Proc.run(tmp.resolve("logs"), Map.of(), CMD, "master", "--bind", ip, "--port", "0",
                "--data", tmp.resolve("m1").toString());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.stderr().strip()).isEqualTo("cairn master: refusing to serve the master over plain HTTP on " + ip
                + ", which is not a loopback address: give --tls-cert FILE --tls-key FILE (cairn admin tls init makes"
                + " them), or --insecure-http to send tokens and data unencrypted anyway");
        assertThat(tmp.resolve("m1")).as("refused before anything was made").doesNotExist();

        try (Proc m = Proc.start(tmp.resolve("logs"), "insecure-master", Map.of(), "master", "--bind", ip, "--port", "0",
                "--data", tmp.resolve("m2").toString(), "--insecure-http")) {
            String url = m.awaitStderr("cairn master: cluster \\S+ at (http://\\S+),", CMD);
            assertThat(url).startsWith("http://" + ip + ":");
            String err = m.stderr();
            assertThat(err.split("--insecure-http", -1)).as("one warning: " + err).hasSize(2);
            assertThat(err).contains("serving the master over plain HTTP on " + ip);
        }
    }

    /** This machine's first IPv4 address that is not loopback, or null. */
    private static String nonLoopbackIpv4() throws Exception {
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!i.isUp() || i.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(i.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a.getHostAddress();
                }
            }
        }
        return null;
    }
}
