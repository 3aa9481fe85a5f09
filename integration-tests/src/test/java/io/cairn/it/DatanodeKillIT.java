package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import io.cairn.it.mount.Mounted;
import io.cairn.testing.Budget;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One of three datanodes killed with SIGKILL a third of the way through copying a 256 MiB random
 * file (R=2), through the CLI and through the mount: the copy succeeds, the bytes read back right
 * from a fresh mount, and repair brings fsck back to zero under-replicated chunks. With
 * {@code dd conv=fsync} the mount's fsync itself must leave every chunk on R live disks.
 */
@Timeout(900)
class DatanodeKillIT {
    private static final long SIZE = Long.getLong("cairn.kill.bytes", 256L << 20);
    @TempDir
    Path tmp;

    private static void killAtAThird(ProcessCluster c, Proc victim, long[] killedAtMs, long t0) throws Exception {
        killAtAThirdOf(c, SIZE, victim, killedAtMs, t0);
    }

    private static void killAtAThirdOf(ProcessCluster c, long size, Proc victim, long[] killedAtMs, long t0)
            throws Exception {
        // R=2: two thirds of the file's size on disk is a third of the copy
        Eventually.await("a third of the copy is on disk", Duration.ofMinutes(5), Duration.ofMillis(20),
                c::bytesOnDisk, n -> n >= 2 * size / 3);
        victim.kill9();
        killedAtMs[0] = (System.nanoTime() - t0) / 1_000_000;
    }

    private static long awaitRepaired(ProcessCluster c) {
        long t0 = System.nanoTime();
        Eventually.await("repair within 3 minutes: fsck shows no under-replicated or missing chunk",
                Duration.ofMinutes(3), Duration.ofMillis(500), () -> c.cli(Duration.ofSeconds(60), "fsck", "--json"), r -> {
                    try {
                        JsonNode f = Json.mapper().readTree(r.stdout());
                        return r.exit() == 0 && f.path("underReplicated").asLong() == 0 && f.path("missing").asLong() == 0
                                && !f.path("safeMode").asBoolean();
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void aPutSurvivesADatanodeKilledAThirdOfTheWayThrough() throws Exception {
        Path src = Data.randomFile(tmp.resolve("src.bin"), SIZE, 5);
        try (ProcessCluster c = new ProcessCluster(tmp.resolve("cluster"), null, 3, "--dead-after", "2s")) {
            long t0 = System.nanoTime();
            try (Proc put = Proc.start(tmp.resolve("logs"), "put", c.env(), "put", "--master", c.masterUrl(),
                    src.toString(), "/big.bin")) {
                long[] killedAt = {0};
                killAtAThird(c, c.datanode(1), killedAt, t0);
                Proc.Result r = put.await(Duration.ofMinutes(5));
                assertThat(r.exit()).as(r.stderr()).isZero();
                long total = (System.nanoTime() - t0) / 1_000_000;
                Path copy = tmp.resolve("copy.bin");
                assertThat(c.cli(Duration.ofMinutes(3), "get", "/big.bin", copy.toString()).exit()).isZero();
                assertThat(Data.sha256(copy)).isEqualTo(Data.sha256(src));
                long repair = awaitRepaired(c);
                System.out.printf("datanode killed during put: killed at %d ms, put finished at %d ms, "
                        + "fsck clean %d ms after the put%n", killedAt[0], total, repair);
            }
        }
    }

    @Test
    void aCopyIntoTheMountSurvivesADatanodeKilledAThirdOfTheWayThrough() throws Exception {
        Mounted.assumeFuse();
        Path src = Data.randomFile(tmp.resolve("src.bin"), SIZE, 6);
        try (ProcessCluster c = new ProcessCluster(tmp.resolve("cluster"), null, 3, "--dead-after", "2s")) {
            Path mnt = tmp.resolve("mnt");
            try (Mounted m = Mounted.at(mnt, c.masterUrl()).start()) {
                long t0 = System.nanoTime();
                try (Proc cp = Proc.startCommand(tmp.resolve("logs"), "cp", Map.of(),
                        List.of("cp", src.toString(), mnt.resolve("big.bin").toString()))) {
                    long[] killedAt = {0};
                    killAtAThird(c, c.datanode(2), killedAt, t0);
                    Proc.Result r = cp.await(Duration.ofMinutes(5));
                    assertThat(r.exit()).as(r.stderr()).isZero();
                    System.out.printf("datanode killed during cp into the mount: killed at %d ms, cp finished at %d ms%n",
                            killedAt[0], (System.nanoTime() - t0) / 1_000_000);
                }
            }
            try (Mounted fresh = Mounted.at(tmp.resolve("fresh"), c.masterUrl()).start()) {
                assertThat(Data.sha256(tmp.resolve("fresh").resolve("big.bin"))).isEqualTo(Data.sha256(src));
            }
            System.out.printf("fsck clean %d ms after the copy%n", awaitRepaired(c));
        }
    }

    /**
     * dd conv=fsync into the mount while a datanode is killed: the chunks the dead node held only in
     * its page cache must be made durable elsewhere before fsync returns. dd succeeds; right after,
     * before the master could repair anything (it counts the node dead only after 20 s), every chunk
     * of the file is on R=2 surviving disks; the file reads back identical from a fresh mount; and
     * fsck shows R live copies once the master has noticed the death.
     */
    @Test
    void ddWithConvFsyncIntoTheMountSucceedsThoughADatanodeIsKilledAThirdOfTheWayThrough() throws Exception {
        Mounted.assumeFuse();
        long size = Budget.of(128L << 20, 1L << 30);
        Path src = Data.randomFile(tmp.resolve("src.bin"), size, 7);
        try (ProcessCluster c = new ProcessCluster(tmp.resolve("cluster"), null, 3, "--dead-after", "20s")) {
            Path mnt = tmp.resolve("mnt");
            int victim = 1;
            try (Mounted m = Mounted.at(mnt, c.masterUrl()).start()) {
                long t0 = System.nanoTime();
                // dd if=src of=mnt/f bs=1M conv=fsync, under strace -T when it is here, to time each write and the fsync
                List<String> dd = List.of("dd", "if=" + src, "of=" + mnt.resolve("f"), "bs=1M", "conv=fsync", "status=none");
                List<String> cmd = new ArrayList<>();
                Path trace = tmp.resolve("dd.trace");
                if (Strace.installed()) {
                    cmd.addAll(List.of("strace", "-f", "-y", "-T", "-e", "trace=write,fsync,fdatasync", "-o", trace.toString()));
                }
                cmd.addAll(dd);
                try (Proc p = Proc.startCommand(tmp.resolve("logs"), "dd", Map.of(), cmd)) {
                    long[] killedAt = {0};
                    killAtAThirdOf(c, size, c.datanode(victim), killedAt, t0);
                    Proc.Result r = p.await(Duration.ofMinutes(5));
                    long doneMs = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(r.exit()).as("dd conv=fsync: %s%nmount: %s", r.stderr(), m.stderr()).isZero();
                    String stalls = "";
                    if (Strace.installed()) {
                        List<String> calls = java.nio.file.Files.readAllLines(trace);
                        String path = mnt.resolve("f").toString();
                        stalls = String.format(", longest write %.0f ms, fsync %.0f ms",
                                Strace.longestMs(calls, "write", path), Strace.longestMs(calls, "fsync", path));
                    }
                    System.out.printf("dd conv=fsync of %d MiB with a datanode killed at %d ms: done at %d ms%s%n",
                            size >> 20, killedAt[0], doneMs, stalls);
                }
            }
            JsonNode stat = Json.mapper().readTree(c.cli(Duration.ofSeconds(60), "stat", "/f", "--json").stdout());
            List<String> short_ = new ArrayList<>();
            for (JsonNode chunk : stat.path("chunks")) {
                String id = chunk.path("id").asText();
                int onDisk = 0;
                for (int i = 0; i < 3; i++) {
                    onDisk += i != victim && c.hasChunk(i, id) ? 1 : 0;
                }
                if (onDisk < 2) {
                    short_.add(chunk.path("index").asText() + " (" + onDisk + " surviving copies)");
                }
            }
            assertThat(short_).as("chunks not on R=2 surviving disks after fsync returned").isEmpty();
            try (Mounted fresh = Mounted.at(tmp.resolve("fresh"), c.masterUrl()).start()) {
                assertThat(Data.sha256(tmp.resolve("fresh").resolve("f"))).isEqualTo(Data.sha256(src));
            }
            System.out.printf("fsck clean %d ms after the dd%n", awaitRepaired(c));
        }
    }
}
