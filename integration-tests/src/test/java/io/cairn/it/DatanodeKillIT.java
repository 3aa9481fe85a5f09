package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import io.cairn.it.mount.Mounted;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One of three datanodes killed with SIGKILL a third of the way through copying a 256 MiB random
 * file (R=2), through the CLI and through the mount: the copy succeeds, the bytes read back right
 * from a fresh mount, and repair brings fsck back to zero under-replicated chunks.
 */
@Timeout(900)
class DatanodeKillIT {
    private static final long SIZE = Long.getLong("cairn.kill.bytes", 256L << 20);
    @TempDir
    Path tmp;

    private static void killAtAThird(ProcessCluster c, Proc victim, long[] killedAtMs, long t0) throws Exception {
        // R=2: two thirds of the file's size on disk is a third of the copy
        Eventually.await("a third of the copy is on disk", Duration.ofMinutes(5), Duration.ofMillis(20),
                c::bytesOnDisk, n -> n >= 2 * SIZE / 3);
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
}
