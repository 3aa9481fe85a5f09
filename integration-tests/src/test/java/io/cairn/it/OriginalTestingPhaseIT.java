package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The teaching example's testing phase with real processes started through bin/cairn: a master,
 * three datanodes, three files up and down byte-identical and spread over the datanodes; then the
 * master is killed with SIGKILL, restarted, and the files come back the same.
 */
@Timeout(300)
class OriginalTestingPhaseIT {
    private static final Duration CMD = Duration.ofSeconds(120);
    @TempDir
    Path tmp;

    @Test
    void threeFilesSurviveAKilledAndRestartedMaster() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(tmp.resolve("cluster"), null, 3, "--chunk-size", "1MiB")) {
            List<Path> files = List.of(
                    Data.randomFile(tmp.resolve("sample_text.txt"), 12_345, 1),
                    Data.randomFile(tmp.resolve("photo.jpg"), 3 * (1 << 20) + 17, 2),
                    Data.randomFile(tmp.resolve("archive.tar"), 7 * (1 << 20) + 5, 3));
            Set<String> holders = new HashSet<>();
            for (Path f : files) {
                // cairn put sample_text.txt /docs/sample_text.txt
                Proc.Result put = cluster.cli(CMD, "put", f.toString(), "/docs/" + f.getFileName());
                assertThat(put.exit()).as(put.stderr()).isZero();
                Proc.Result stat = cluster.cli(CMD, "stat", "/docs/" + f.getFileName(), "--json");
                assertThat(stat.exit()).as(stat.stderr()).isZero();
                JsonNode s = Json.mapper().readTree(stat.stdout());
                assertThat(s.path("size").asLong()).isEqualTo(Files.size(f));
                assertThat(s.path("type").asText()).isEqualTo("file");
                for (JsonNode ch : s.path("chunks")) {
                    assertThat(ch.path("replicas").size()).isEqualTo(2);
                    ch.path("replicas").forEach(r -> holders.add(r.asText()));
                }
            }
            assertThat(holders).as("the files are spread over all three datanodes").hasSize(3);
            downloadAndCompare(cluster, files, "before");

            cluster.crashAndRestartMaster();
            cluster.awaitLive(3, Duration.ofSeconds(60));
            downloadAndCompare(cluster, files, "after");
            Proc.Result ls = cluster.cli(CMD, "ls", "-l", "/docs");
            assertThat(ls.exit()).isZero();
            assertThat(ls.stdout()).contains("sample_text.txt", "photo.jpg", "archive.tar");
        }
    }

    private void downloadAndCompare(ProcessCluster cluster, List<Path> files, String tag) throws Exception {
        for (Path f : files) {
            Path copy = tmp.resolve(tag + "-" + f.getFileName());
            // cairn get /docs/sample_text.txt ./copy.txt
            Proc.Result get = cluster.cli(CMD, "get", "/docs/" + f.getFileName(), copy.toString());
            assertThat(get.exit()).as(get.stderr()).isZero();
            assertThat(Data.sha256(copy)).as(f.getFileName() + " " + tag).isEqualTo(Data.sha256(f));
        }
    }
}
