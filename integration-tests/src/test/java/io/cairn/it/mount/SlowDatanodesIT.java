package io.cairn.it.mount;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import io.cairn.it.Data;
import io.cairn.it.ProcessCluster;
import io.cairn.it.Proc;
import io.cairn.it.Shell;
import io.cairn.testing.Budget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two of four datanodes stop being useful without going away: one is stopped with SIGSTOP (the
 * kernel still accepts its connections; nothing ever answers) and one answers through a proxy
 * that trickles a byte a second each way (so no socket read timeout ever fires). The mount runs
 * with {@code --timeout 10s}; R=2, and the master keeps both nodes live (dead after 10 minutes),
 * so it is the mount that must notice. Meanwhile:
 * <ul>
 * <li>a file whose every chunk has a copy on a healthy node reads back right within 3 x --timeout;</li>
 * <li>a file whose chunks are only on the two slow nodes fails with EIO within 3 x --timeout, while
 *     a write into the middle of it succeeds within that time: it needs none of the old bytes (it
 *     goes up as a slice, on healthy nodes);</li>
 * <li>a new file is written and closed within 3 x --timeout, on healthy nodes only (the slow
 *     targets are replaced);</li>
 * <li>{@code ls -l}, {@code stat} (of the slow file too) and reads of a file on healthy nodes keep
 *     answering, each within 2 s, all along.</li>
 * </ul>
 */
@Timeout(600)
class SlowDatanodesIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long SMALL_MULTIPLE_MS = 3 * TIMEOUT.toMillis();
    private static final long ANSWER_MS = 2_000;
    private static final int STOPPED = 0;
    private static final int TRICKLING = 1;
    @TempDir
    Path tmp;

    @Test
    void aStoppedAndATricklingDatanodeNeitherHangTheMountNorFailReadsThatHaveAnotherCopy() throws Exception {
        Mounted.assumeFuse();
        long chunk = 1 << 20;
        int chunks = Budget.of(8, 64);
        try (ProcessCluster c = ProcessCluster.linked(tmp.resolve("cluster"), null, 4, "--chunk-size", "1MiB",
                "--replication", "2", "--dead-after", "10m")) {
            // Place the files by cutting links while each is written (a cut link fails at once; the writer replaces it).
            Path withCopies = put(c, "with-copies", chunks * chunk + 17, 1, STOPPED);
            Path withCopies2 = put(c, "with-copies-2", chunks * chunk + 17, 2, TRICKLING);
            Path onSlowOnly = put(c, "on-slow-only", chunks * chunk + 17, 3, 2, 3);
            Path healthy = put(c, "healthy", 3 * chunk + 5, 4, STOPPED, TRICKLING);
            Path fresh = Data.randomFile(tmp.resolve("fresh"), 4 * chunk + 9, 5);
            assertThat(replicasOf(c, "/on-slow-only")).containsOnly(c.datanodeId(STOPPED), c.datanodeId(TRICKLING));
            assertThat(replicasOf(c, "/healthy")).doesNotContain(c.datanodeId(STOPPED), c.datanodeId(TRICKLING));

            try (Mounted m = Mounted.at(tmp.resolve("mnt"), c.masterUrl()).timeout(TIMEOUT).start()) {
                m.ok("cat healthy > /dev/null && ls -l > /dev/null");
                assertThat(kernelMaxBackground(m)).as("asynchronous requests the kernel keeps in flight for the mount")
                        .isEqualTo("64");
                c.datanode(STOPPED).signal("STOP");
                c.datanodeLink(TRICKLING).trickle(Duration.ofSeconds(1));
                ExecutorService pool = Executors.newCachedThreadPool();
                try {
                    long t0 = System.nanoTime();
                    Future<Timed> read1 = pool.submit(() -> timed(m, "cmp with-copies " + withCopies));
                    Future<Timed> read2 = pool.submit(() -> timed(m, "cmp with-copies-2 " + withCopies2));
                    Future<Timed> lost = pool.submit(() -> timed(m, "cat on-slow-only > /dev/null"));
                    // dd conv=notrunc seek=100: a write into the middle of a chunk, which needs none of its old bytes
                    Future<Timed> rmw = pool.submit(() -> timed(m,
                            "printf x | dd of=on-slow-only bs=1 seek=100 conv=notrunc status=none"));
                    Future<Timed> write = pool.submit(() -> timed(m, "cp " + fresh + " fresh && cmp fresh " + fresh));

                    List<String> slowAnswers = new ArrayList<>();
                    int rounds = 0;
                    while (!(read1.isDone() && read2.isDone() && lost.isDone() && rmw.isDone() && write.isDone())
                            || rounds < 3) {
                        for (String cmd : List.of("ls -l > /dev/null", "stat on-slow-only > /dev/null",
                                "stat with-copies > /dev/null", "cmp healthy " + healthy)) {
                            Timed t = timed(m, cmd);
                            if (t.result.exit() != 0 || t.ms > ANSWER_MS) {
                                slowAnswers.add(cmd + ": exit " + t.result.exit() + " after " + t.ms + " ms " + t.result.err());
                            }
                        }
                        rounds++;
                        Thread.sleep(300);
                        assertThat((System.nanoTime() - t0) / 1_000_000).as("everything ended within its bound")
                                .isLessThan(4 * SMALL_MULTIPLE_MS);
                    }
                    Timed r1 = read1.get(1, TimeUnit.SECONDS);
                    Timed r2 = read2.get(1, TimeUnit.SECONDS);
                    Timed l = lost.get(1, TimeUnit.SECONDS);
                    Timed w = rmw.get(1, TimeUnit.SECONDS);
                    Timed f = write.get(1, TimeUnit.SECONDS);
                    String report = String.format("--timeout %ds, one datanode stopped, one trickling: read with a healthy copy %d ms"
                                    + " and %d ms, read of chunks only there %d ms (exit %d), write into it %d ms (exit %d), "
                                    + "new file written and read back %d ms; %d rounds of ls/stat/read, slow answers: %s%n",
                            TIMEOUT.toSeconds(), r1.ms, r2.ms, l.ms, l.result.exit(), w.ms, w.result.exit(), f.ms, rounds,
                            slowAnswers);
                    System.out.println(report);
                    assertThat(r1.result.exit()).as("a file with a healthy copy of each chunk: " + r1.result.err()).isZero();
                    assertThat(r2.result.exit()).as("a file with a healthy copy of each chunk: " + r2.result.err()).isZero();
                    assertThat(r1.ms).isLessThan(SMALL_MULTIPLE_MS);
                    assertThat(r2.ms).isLessThan(SMALL_MULTIPLE_MS);
                    assertThat(l.result.exit()).as("every copy is slow").isNotZero();
                    assertThat(l.result.err()).contains("Input/output error");
                    assertThat(l.ms).isLessThan(SMALL_MULTIPLE_MS);
                    assertThat(w.result.exit()).as("a write into a chunk on slow nodes only: " + w.result.err()).isZero();
                    assertThat(w.ms).isLessThan(SMALL_MULTIPLE_MS);
                    assertThat(f.result.exit()).as("a write replaces its slow targets: " + f.result.err()).isZero();
                    assertThat(f.ms).isLessThan(SMALL_MULTIPLE_MS);
                    assertThat(slowAnswers).as("ls, stat and reads of other files answer within 2 s").isEmpty();
                } catch (AssertionError | Exception e) {
                    String log = m.stderr();
                    System.out.println("the mount's log, to its last 150 lines:\n"
                            + String.join("\n", tail(log.lines().toList(), 150)));
                    throw e;
                } finally {
                    pool.shutdownNow();
                    c.datanodeLink(TRICKLING).trickle(Duration.ZERO);
                    c.datanode(STOPPED).signal("CONT");
                }
                assertThat(replicasOf(c, "/fresh")).as("the new file's chunks are on healthy nodes only")
                        .doesNotContain(c.datanodeId(STOPPED), c.datanodeId(TRICKLING));
            }
        }
    }

    /**
     * The mount's {@code max_background} as the kernel has it, from the FUSE control file system
     * (mounted here for the look if the system has not mounted it, and unmounted again).
     */
    private static String kernelMaxBackground(Mounted m) throws Exception {
        String read = "d=$(stat -c %d .); c=/sys/fs/fuse/connections/$(( (d & 255) | ((d >> 12) & 1048320) )); "
                + "cat $c/max_background";
        Shell.Result r = m.sh("if mountpoint -q /sys/fs/fuse/connections; then " + read + "; else "
                + "mount -t fusectl fusectl /sys/fs/fuse/connections && { " + read + "; rc=$?; "
                + "umount /sys/fs/fuse/connections; exit $rc; }; fi");
        assertThat(r.exit()).as("reading the kernel's view of the mount: " + r.err()).isZero();
        return r.out().trim();
    }

    private record Timed(Shell.Result result, long ms) {
    }

    private static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    /**
     * Runs {@code command} in the mount and times it from inside the shell (so that starting bash on
     * a busy machine does not count against the file system).
     */
    private static Timed timed(Mounted m, String command) throws Exception {
        long t0 = System.nanoTime();
        Shell.Result r = m.sh("s=$(date +%s%N); { " + command + " ; }; rc=$?; e=$(date +%s%N); "
                + "echo \"elapsed-ms $(( (e - s) / 1000000 ))\" >&2; exit $rc");
        java.util.regex.Matcher t = java.util.regex.Pattern.compile("elapsed-ms (\\d+)\n?").matcher(r.err());
        long ms = t.find() ? Long.parseLong(t.group(1)) : (System.nanoTime() - t0) / 1_000_000;
        return new Timed(new Shell.Result(r.exit(), r.out(), r.err().replaceAll("elapsed-ms \\d+\n?", "")), ms);
    }

    /** A random file put as /name while the links of datanodes {@code cut} are blocked, so its chunks avoid them. */
    private Path put(ProcessCluster c, String name, long size, long seed, int... cut) throws Exception {
        Path local = Data.randomFile(tmp.resolve(name), size, seed);
        for (int i : cut) {
            c.datanodeLink(i).block();
        }
        try {
            Proc.Result r = c.cli(Duration.ofMinutes(2), "put", local.toString(), "/" + name);
            assertThat(r.exit()).as(r.stderr()).isZero();
        } finally {
            for (int i : cut) {
                c.datanodeLink(i).unblock();
            }
        }
        return local;
    }

    private static Set<String> replicasOf(ProcessCluster c, String path) throws Exception {
        Proc.Result r = c.cli(Duration.ofSeconds(60), "stat", path, "--json");
        assertThat(r.exit()).as(r.stderr()).isZero();
        Set<String> nodes = new HashSet<>();
        for (JsonNode chunk : Json.mapper().readTree(r.stdout()).path("chunks")) {
            chunk.path("replicas").forEach(n -> nodes.add(n.asText()));
        }
        return nodes;
    }
}
