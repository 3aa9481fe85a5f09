package io.cairn.datanode.crash;

import io.cairn.common.checksum.Crc32c;
import io.cairn.datanode.testing.FakeMaster;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a datanode acknowledged is still there, intact, after its process is killed with SIGKILL. */
@Timeout(180)
class DatanodeCrashTest {
    @TempDir
    Path tmp;
    FakeMaster master = new FakeMaster("cluster-1");

    @AfterEach
    void stopMaster() {
        master.close();
    }

    @Test
    void everyChunkAcknowledgedWithoutSyncIsServedIntactAfterTheProcessIsKilled() throws Exception {
        Path dir = tmp.resolve("dn");
        Map<String, byte[]> acked = new LinkedHashMap<>();
        Random random = new Random(42);
        try (ChildDatanode dn = ChildDatanode.start(dir, master.url(), tmp.resolve("first.log"))) {
            for (int i = 0; i < 300; i++) {
                byte[] b = new byte[1 + random.nextInt(16 * 1024)];
                random.nextBytes(b);
                String id = String.format("%08x%024x", i, random.nextLong() & Long.MAX_VALUE);
                boolean sync = i % 10 == 0;
                assertThat(dn.put(id, b, Crc32c.of(b), sync)).as("PUT %d", i).isEqualTo(201);
                acked.put(id, b);
            }
            dn.kill(); // right after the last reply: nothing was synced, closed or flushed
        }
        try (ChildDatanode dn = ChildDatanode.start(dir, master.url(), tmp.resolve("second.log"))) {
            for (Map.Entry<String, byte[]> e : acked.entrySet()) {
                HttpResponse<byte[]> r = dn.get(e.getKey());
                assertThat(r.statusCode()).as("GET %s", e.getKey()).isEqualTo(200);
                assertThat(r.body()).as("chunk %s", e.getKey()).isEqualTo(e.getValue());
            }
            assertThat(dn.status().body()).contains("\"chunks\":" + acked.size());
            try (Stream<Path> left = Files.list(dir.resolve("tmp"))) {
                assertThat(left.toList()).as("tmp/ after the restart").isEmpty();
            }
        }
    }

    @Test
    void aPutWithoutSyncDoesNoFsyncAndAPutWithSyncMakesDataSidecarAndNamesDurable() throws Exception {
        Strace.assume();
        Path dir = tmp.resolve("dn");
        try (ChildDatanode dn = ChildDatanode.start(dir, master.url(), tmp.resolve("dn.log"))) {
            // Registration saves the cluster id (synced): let it happen before anything is counted.
            Eventually.await("the datanode registered", () -> {
                try {
                    return dn.status().body().contains("\"clusterId\":\"cluster-1\"");
                } catch (Exception e) {
                    return false;
                }
            });
            List<String> ids = new ArrayList<>();
            byte[] b = new byte[4096];
            new Random(1).nextBytes(b);
            long crc = Crc32c.of(b);
            assertThat(dn.put("ab" + "0".repeat(30), b, crc, false)).isEqualTo(201); // makes chunks/ab/
            List<String> unsynced;
            try (Strace s = Strace.attach(tmp.resolve("nosync.trace"), dn.pid())) {
                for (int i = 1; i <= 50; i++) {
                    String id = "ab" + String.format("%030x", i);
                    assertThat(dn.put(id, b, crc, false)).isEqualTo(201);
                    ids.add(id);
                }
                unsynced = s.stop();
            }
            assertThat(unsynced).as("fsync and fdatasync calls during 50 PUTs with sync=false").isEmpty();

            List<String> synced;
            try (Strace s = Strace.attach(tmp.resolve("sync.trace"), dn.pid())) {
                assertThat(dn.put("ab" + "f".repeat(30), b, crc, true)).isEqualTo(201);
                synced = s.stop();
            }
            assertThat(synced).as("one PUT with sync").hasSize(3);
            assertThat(synced).filteredOn(l -> l.startsWith("fdatasync(") && l.contains("/tmp/") && l.contains(".part>"))
                    .as("the chunk's bytes").hasSize(1);
            assertThat(synced).filteredOn(l -> l.startsWith("fdatasync(") && l.contains("/tmp/") && l.contains(".crc>"))
                    .as("the sidecar's bytes").hasSize(1);
            assertThat(synced).filteredOn(l -> l.startsWith("fsync(") && l.contains("/chunks/ab>"))
                    .as("the directory holding both names").hasSize(1);

            List<String> again;
            try (Strace s = Strace.attach(tmp.resolve("again.trace"), dn.pid())) {
                // A writer retrying with sync a chunk first stored without: the answer promises it is on disk.
                assertThat(dn.put(ids.get(0), b, crc, true)).isEqualTo(201);
                again = s.stop();
            }
            assertThat(again).as("the chunk stored before without sync").anyMatch(l -> l.contains("/chunks/ab/" + ids.get(0) + ">"));
            assertThat(again).as("its directory").anyMatch(l -> l.startsWith("fsync(") && l.contains("/chunks/ab>"));

            List<String> later;
            try (Strace s = Strace.attach(tmp.resolve("later.trace"), dn.pid())) {
                assertThat(dn.post("/api/v1/sync", dn.syncBody(ids)).statusCode()).isEqualTo(200);
                later = s.stop();
            }
            for (String id : ids) {
                assertThat(later).as("chunk " + id).anyMatch(l -> l.contains("/chunks/ab/" + id + ">"));
                assertThat(later).as("sidecar of " + id).anyMatch(l -> l.contains("/chunks/ab/" + id + ".crc>"));
            }
            assertThat(later).as("the directory").anyMatch(l -> l.startsWith("fsync(") && l.contains("/chunks/ab>"));
        }
    }
}
