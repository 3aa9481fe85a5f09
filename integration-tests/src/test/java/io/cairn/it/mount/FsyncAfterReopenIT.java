package io.cairn.it.mount;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import io.cairn.it.Data;
import io.cairn.it.ProcessCluster;
import io.cairn.it.Proc;
import io.cairn.it.Strace;
import io.cairn.testing.Budget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * fsync(2) on a descriptor opened after the file was written and closed (cp, then a sync from
 * another process) must make the file's chunks durable: the datanodes holding them really call
 * fsync or fdatasync on those chunk files, counted with strace on the datanode processes. A sync
 * that does nothing, or that forgets what was written before the last close, fails this test.
 */
@Timeout(300)
class FsyncAfterReopenIT {
    private static final long CHUNK = 1 << 20;
    @TempDir
    Path tmp;

    @Test
    void anFsyncOnADescriptorOpenedAfterTheCloseSyncsEveryChunkOnEveryReplica() throws Exception {
        Mounted.assumeFuse();
        Strace.assume();
        long size = Budget.of(3 * CHUNK + 123, 40 * CHUNK + 123);
        Path src = Data.randomFile(tmp.resolve("src.bin"), size, 31);
        try (ProcessCluster c = new ProcessCluster(tmp.resolve("cluster"), null, 3, "--chunk-size", "1MiB");
             Mounted m = Mounted.at(tmp.resolve("mnt"), c.masterUrl()).start()) {
            m.ok("cp " + src + " x"); // close() returned: on the replicas, committed, not yet on their disks

            Map<String, Integer> byNodeId = new HashMap<>();
            long[] pids = new long[3];
            for (int i = 0; i < 3; i++) {
                byNodeId.put(c.datanodeId(i), i);
                pids[i] = c.datanode(i).pid();
            }
            JsonNode stat = Json.mapper().readTree(c.cli(Duration.ofSeconds(60), "stat", "/x", "--json").stdout());
            List<String> expected = new ArrayList<>(); // "dn<i>/chunks/ab/<id>" for every replica of every chunk
            for (JsonNode chunk : stat.path("chunks")) {
                String id = chunk.path("id").asText();
                for (JsonNode node : chunk.path("replicas")) {
                    int i = byNodeId.get(node.asText());
                    expected.add(c.datanodeDir(i).resolve("chunks").resolve(id.substring(0, 2)).resolve(id).toString());
                }
            }
            assertThat(expected).as("every chunk has its R=2 replicas").hasSize(2 * (int) ((size + CHUNK - 1) / CHUNK));

            List<String> calls;
            try (Strace s = Strace.attach(tmp.resolve("datanodes.trace"), "fsync,fdatasync", pids)) {
                // python3 -c 'fd = os.open("x", os.O_RDONLY); os.fsync(fd)': a new descriptor, nothing written through it
                m.ok("python3 -c 'import os; fd = os.open(\"x\", os.O_RDONLY); os.fsync(fd); os.close(fd)'");
                calls = s.stop();
            }
            List<String> missing = new ArrayList<>();
            for (String file : expected) {
                Pattern synced = Pattern.compile("(fsync|fdatasync)\\(\\d+<" + Pattern.quote(file) + ">");
                if (calls.stream().noneMatch(l -> synced.matcher(l).find())) {
                    missing.add(file);
                }
            }
            System.out.printf("fsync after reopen: %d chunk files on the replicas, %d synced by the datanodes%n",
                    expected.size(), expected.size() - missing.size());
            assertThat(missing).as("chunk files the datanodes never synced after the fsync returned 0").isEmpty();

            Proc.Result back = c.cli(Duration.ofSeconds(60), "get", "/x", tmp.resolve("back.bin").toString());
            assertThat(back.exit()).as(back.stderr()).isZero();
            assertThat(Data.sha256(tmp.resolve("back.bin"))).isEqualTo(Data.sha256(src));
        }
    }
}
