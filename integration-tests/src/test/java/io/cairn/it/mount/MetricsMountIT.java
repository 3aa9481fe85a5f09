package io.cairn.it.mount;

import io.cairn.it.MiniCluster;
import io.cairn.it.Scrape;
import io.cairn.it.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code cairn mount --metrics-port 0}: after a file is written and read back through the mount,
 * {@code /metrics} passes promtool, has every mount metric the Grafana dashboard queries, counts at least the bytes moved, shows the create, write and read
 * calls and the ENOENT of a stat of a missing name, and listens on 127.0.0.1 only.
 */
@Timeout(45)
class MetricsMountIT {
    private static final int SIZE = 3 << 20;

    @Test
    void theMountsMetricsCountWhatWentThroughItAndPassPromtool() throws Exception {
        Mounted.assumeFuse();
        Path work = Files.createTempDirectory("cairn-metrics-");
        try (MiniCluster cluster = MiniCluster.builder().datanodes(2).replication(2).chunkSize(1 << 20).start();
             Mounted m = Mounted.at(work.resolve("mnt"), cluster.masterUrl()).attrTimeout(Duration.ofSeconds(1))
                     .metricsPort(0).javaOpts("-Xmx160m").start()) {
            Shell.run(work, "head -c " + SIZE + " /dev/urandom > local");
            m.ok("cp " + work.resolve("local") + " f");      // cp local f
            m.ok("cmp " + work.resolve("local") + " f");     // cmp local f: read back through the mount
            assertThat(m.sh("stat no-such-file").exit()).as("stat of a missing name fails").isNotZero();

            URI url = m.metricsUrl();
            assertThat(url.getHost()).isEqualTo("127.0.0.1");
            String text = scrape(url);
            new Scrape(text).lint("the mount");
            for (String name : Scrape.dashboardMetrics()) {
                if (name.startsWith("cairn_mount_")) {
                    assertThat(new Scrape(text).names()).as("the dashboard queries %s", name).contains(name);
                }
            }
            assertThat(value(text, "cairn_mount_fuse_written_bytes_total")).isGreaterThanOrEqualTo(SIZE);
            assertThat(value(text, "cairn_mount_fuse_read_bytes_total")).isGreaterThanOrEqualTo(SIZE);
            for (String op : List.of("create", "write", "read", "flush", "release")) {
                assertThat(value(text, "cairn_mount_fuse_op_duration_seconds_count{op=\"" + op + "\"}"))
                        .as("%s calls", op).isPositive();
            }
            assertThat(value(text, "cairn_mount_fuse_errors_total{errno=\"ENOENT\",op=\"getattr\"}")).isPositive();
            assertThat(text).contains("cairn_mount_remote_call_duration_seconds_count{method=\"PUT\",outcome=\"ok\",target=\"datanode\"}")
                    .contains("target=\"master\"")
                    .contains("cairn_mount_dirty_budget_bytes ")
                    .contains("jvm_threads_current");
            assertListensOnLoopbackOnly(url.getPort());

            // a new file copied in asks the master for its name once: the kernel's second look before
            // the exclusive create is answered by the mount, which remembers the master's "absent"
            Shell.run(work, "head -c 4096 /dev/urandom > small");
            m.ok("mkdir d && sleep 1.2");                    // past --attr-timeout: d is no longer known whole
            String admin = Files.readString(cluster.adminTokenFile()).trim();
            double before = new Scrape(Scrape.of(cluster.masterUrl() + "/metrics", admin).text())
                    .sum("cairn_http_request_duration_seconds_count", "route", "/api/v1/fs/attr", "code", "404");
            for (int i = 0; i < 20; i++) {
                m.ok("cp " + work.resolve("small") + " d/copy" + i);
            }
            double after = Scrape.of(cluster.masterUrl() + "/metrics", admin)
                    .sum("cairn_http_request_duration_seconds_count", "route", "/api/v1/fs/attr", "code", "404");
            assertThat(after - before).as("names the master was asked for and did not have").isEqualTo(20);
            assertThat(m.stop()).as("the mount exits 0 on SIGTERM").isZero();
        } finally {
            Shell.run(Path.of("/"), "rm -rf " + work);
        }
    }

    private static String scrape(URI url) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of one series ({@code name{labels}} exactly as exposed), or a failure naming it. */
    private static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return fail("no series " + series + " in:\n" + text);
    }

    /** Every listening TCP socket on {@code port} (IPv4 and IPv6 tables) is bound to 127.0.0.1, and there is one. */
    private static void assertListensOnLoopbackOnly(int port) throws Exception {
        String hexPort = String.format(":%04X", port);
        List<String> bound = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) { // 0A: LISTEN
                    bound.add(f[1].substring(0, f[1].length() - hexPort.length()));
                }
            }
        }
        assertThat(bound).as("listening sockets on port %d", port).isNotEmpty()
                .allMatch(a -> a.equals("0100007F") || a.equals("0000000000000000FFFF00000100007F"),
                        "127.0.0.1 (or ::ffff:127.0.0.1)");
    }
}
