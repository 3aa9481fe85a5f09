package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /metrics} of a master and three datanodes, each a real process: every scrape passes
 * {@code promtool check metrics}; a metrics token opens all four, a read-write token opens no
 * datanode and no token opens nothing; after three known puts and gets the namespace and data
 * counters say exactly what was done; a datanode killed with SIGKILL shows as dead; and every metric
 * the Grafana dashboard in deploy/ queries exists.
 */
@Timeout(300)
class MetricsIT {
    /** Sizes of the files put: with chunks of 4 MiB, 1 + 2 + 1 chunks. */
    private static final long[] SIZES = {1 << 20, (5 << 20) + 123, 10};
    private static final long CHUNKS = 4;
    private static final int R = 2;
    @TempDir
    Path tmp;

    @Test
    void theMetricsOfEveryProcessAreWellFormedAndSayWhatHappened() throws Exception {
        try (ProcessCluster c = new ProcessCluster(tmp.resolve("cluster"), null, 3, "--dead-after", "3s",
                "--replication", Integer.toString(R))) {
            Path tokenFile = tmp.resolve("prom.token");
            Proc.Result made = Proc.run(tmp.resolve("logs"), c.env(), Duration.ofSeconds(60), "admin", "token", "create",
                    "prom", "--metrics", "--out", tokenFile.toString(), "--master", c.masterUrl());
            assertThat(made.exit()).as(made.stderr()).isZero();
            String prom = Files.readString(tokenFile).trim();
            String master = c.masterUrl() + "/metrics";
            List<String> datanodes = new ArrayList<>();
            for (JsonNode n : c.nodes()) {
                datanodes.add(n.path("address").asText() + "/metrics");
            }
            assertThat(datanodes).hasSize(3);

            // who may scrape: no token nothing; a metrics token all (datanodes once a heartbeat told them)
            assertThat(Scrape.status(master, null)).isEqualTo(401);
            for (String d : datanodes) {
                assertThat(Scrape.status(d, null)).isEqualTo(401);
                Eventually.await("datanode " + d + " takes the metrics token", Duration.ofSeconds(15),
                        () -> Scrape.status(d, prom), st -> st == 200);
                String readWrite = Files.readString(c.adminTokenFile()).trim();
                assertThat(Scrape.status(d, readWrite)).as("an admin token opens no datanode").isEqualTo(401);
            }
            Scrape before = Scrape.of(master, prom);
            before.lint("the master");
            assertThat(before.sum("cairn_files")).isZero();
            assertThat(before.sum("cairn_chunks")).isZero();
            assertThat(before.sum("cairn_datanodes", "state", "live")).isEqualTo(3);
            assertThat(before.sum("cairn_build_info", "role", "master")).isEqualTo(1);
            assertThat(before.sum("jvm_threads_current")).isPositive();

            // three puts and three gets, of known sizes
            long total = 0;
            Random rnd = new Random(7);
            for (int i = 0; i < SIZES.length; i++) {
                byte[] data = new byte[(int) SIZES[i]];
                rnd.nextBytes(data);
                Path local = tmp.resolve("f" + i);
                Files.write(local, data);
                total += data.length;
                Proc.Result put = c.cli(Duration.ofSeconds(60), "put", "-q", local.toString(), "/f" + i);
                assertThat(put.exit()).as(put.stderr()).isZero();
            }
            for (int i = 0; i < SIZES.length; i++) {
                Path back = tmp.resolve("back" + i);
                Proc.Result get = c.cli(Duration.ofSeconds(60), "get", "-q", "/f" + i, back.toString());
                assertThat(get.exit()).as(get.stderr()).isZero();
                assertThat(Files.size(back)).isEqualTo(SIZES[i]);
            }
            Scrape after = Scrape.of(master, prom);
            after.lint("the master");
            assertThat(after.sum("cairn_files")).isEqualTo(SIZES.length);
            assertThat(after.sum("cairn_directories")).isEqualTo(1);
            assertThat(after.sum("cairn_chunks")).isEqualTo(CHUNKS);
            assertThat(after.sum("cairn_file_bytes")).isEqualTo(total);
            assertThat(after.sum("cairn_http_request_duration_seconds_count", "route", "/api/v1/fs/commit", "code", "200"))
                    .as("each put commits").isGreaterThanOrEqualTo(SIZES.length);
            assertThat(after.sum("cairn_meta_transaction_duration_seconds_count", "kind", "write", "outcome", "ok"))
                    .isPositive();
            double written = 0;
            double writtenBytes = 0;
            double read = 0;
            double readBytes = 0;
            Set<String> seen = new TreeSet<>(after.names());
            for (String d : datanodes) {
                Scrape s = Scrape.of(d, prom);
                s.lint("datanode " + d);
                seen.addAll(s.names());
                written += s.sum("cairn_datanode_chunk_ops_total", "op", "write", "outcome", "ok");
                writtenBytes += s.sum("cairn_datanode_bytes_total", "op", "write");
                read += s.sum("cairn_datanode_chunk_ops_total", "op", "read", "outcome", "ok");
                readBytes += s.sum("cairn_datanode_bytes_total", "op", "read");
                assertThat(s.sum("cairn_datanode_disk_bytes", "kind", "capacity")).isPositive();
                assertThat(s.sum("cairn_build_info", "role", "datanode")).isEqualTo(1);
            }
            assertThat(written).as("each chunk stored on R datanodes").isEqualTo(CHUNKS * R);
            assertThat(writtenBytes).isEqualTo(total * R);
            assertThat(read).as("each chunk read once by the gets").isEqualTo(CHUNKS);
            assertThat(readBytes).isEqualTo(total);

            // every metric the Grafana dashboard queries, but the mount's (MountMetricsIT checks those)
            Set<String> queried = Scrape.dashboardMetrics();
            assertThat(queried).isNotEmpty();
            for (String m : queried) {
                if (!m.startsWith("cairn_mount_")) {
                    assertThat(seen).as("the dashboard queries %s", m).contains(m);
                }
            }

            // the example scrape configuration is one Prometheus takes (its files made here)
            if (Scrape.promtool()) {
                Path ca = tmp.resolve("ca.pem");
                Files.writeString(ca, "");
                Path config = tmp.resolve("prometheus.yml");
                Files.writeString(config, Files.readString(Proc.root().resolve("deploy/prometheus/prometheus.yml"))
                        .replace("/etc/prometheus/cairn.token", tokenFile.toString())
                        .replace("/etc/cairn/tls/ca.pem", ca.toString()));
                Proc.Result checked = Proc.runCommand(List.of("/usr/bin/promtool", "check", "config", config.toString()),
                        Duration.ofSeconds(30));
                assertThat(checked.exit()).as(checked.stdout() + checked.stderr()).isZero();
            }

            // one datanode killed: the master says so within the dead-after time and a few seconds
            c.datanode(2).kill9();
            long t0 = System.nanoTime();
            Scrape.await("the master counts one dead datanode", Duration.ofSeconds(20), master, prom,
                    s -> s.sum("cairn_datanodes", "state", "dead") == 1 && s.sum("cairn_datanodes", "state", "live") == 2);
            System.out.printf("metrics: the kill showed as a dead datanode after %d ms (dead after 3 s)%n",
                    (System.nanoTime() - t0) / 1_000_000);
            Scrape.await("the namespace counts do not move with the kill", Duration.ofSeconds(10), master, prom,
                    s -> s.sum("cairn_files") == SIZES.length && s.sum("cairn_chunks") == CHUNKS);
        }
    }
}
