package io.cairn.it.mount;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import io.cairn.it.MiniCluster;
import io.cairn.it.Proc;
import io.cairn.it.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cairn bench} (the real command, through bin/cairn) at tiny sizes on a temp directory,
 * against a second one and a Cairn mount: every step runs on every directory, the table and the
 * JSON say so with positive figures, nothing is left behind; a step that cannot finish within its
 * timeout is FAIL and the exit status says so.
 */
@Timeout(900)
class BenchIT {
    /** Every step, in the order the bench runs them. */
    static final List<String> STEPS = List.of("seq-write", "seq-read", "create", "stat", "read", "rename", "unlink",
            "mkdir", "rand-read", "rand-write", "tar-x", "cp-r-out", "git-commit", "git-clone", "rsync", "rsync-again");
    /** The program each tree step runs; missing here, the step is skipped (and says why). */
    static final Map<String, String> TOOLS = Map.of("tar-x", "tar", "cp-r-out", "cp", "git-commit", "git",
            "git-clone", "git", "rsync", "rsync", "rsync-again", "rsync");
    static final String[] TINY = {"--size", "2MiB", "--files", "20", "--dirs", "10", "--tree-files", "40",
        "--random-size", "1MiB", "--random-time", "300ms"};

    static MiniCluster cluster;
    static Mounted mnt;
    static Path work;
    static Path a;
    static Path b;

    @BeforeAll
    static void start() throws Exception {
        Mounted.assumeFuse();
        cluster = MiniCluster.builder().datanodes(3).chunkSize(1 << 20).start();
        work = Files.createTempDirectory("cairn-bench-it-");
        a = Files.createDirectories(work.resolve("a"));
        b = Files.createDirectories(work.resolve("b"));
        mnt = Mounted.at(work.resolve("cairn"), cluster.masterUrl()).javaOpts("-Xmx128m").start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (mnt != null) {
                assertThat(mnt.stop()).isZero();
                mnt.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (work != null && !Mounted.isMounted(work.resolve("cairn"))) {
                Shell.run(Path.of("/"), "rm -rf " + work);
            }
        }
    }

    private static Proc.Result bench(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("bench"));
        all.addAll(List.of(args));
        all.addAll(List.of("--work", work.toString()));
        return Proc.run(work, Map.of(), Duration.ofSeconds(600), all.toArray(String[]::new));
    }

    private static boolean installed(String program) throws Exception {
        return Shell.run(work, "command -v " + program).exit() == 0;
    }

    @Test
    void everyStepRunsOnEveryDirectoryAndTheTableAndTheJsonSaySo() throws Exception {
        List<String> args = new ArrayList<>(List.of(a.toString(), "--compare", b.toString(), "--compare", mnt.dir.toString()));
        args.addAll(List.of(TINY));
        Proc.Result table = bench(args.toArray(String[]::new));
        assertThat(table.exit()).as(table.stdout() + table.stderr()).isZero();
        assertThat(table.stdout())
                .contains("| rate (higher is better) | unit | a | b | cairn | a/b | a/cairn |")
                .contains("| time (lower is better) | unit | a | b | cairn | a/b | a/cairn |")
                .contains("| create 20 x 4 KiB files | files/s |")
                .contains("| tar -x of a generated tree")
                .doesNotContain("FAIL");
        assertThat(table.stdout()).containsPattern("\\| mkdir 10 directories \\| ops/s \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|");
        assertThat(table.stdout()).contains("cold steps (seq-read, read, rand-read, cp-r-out): the kernel's caches were dropped");

        args.add("--json");
        Proc.Result json = bench(args.toArray(String[]::new));
        assertThat(json.exit()).as(json.stderr()).isZero();
        JsonNode root = Json.mapper().readTree(json.stdout());
        assertThat(root.path("ok").asBoolean()).isTrue();
        List<String> names = new ArrayList<>();
        for (JsonNode step : root.path("steps")) {
            String name = step.path("name").asText();
            names.add(name);
            assertThat(step.path("unit").asText()).as(name).isNotEmpty();
            assertThat(step.path("better").asText()).as(name).isIn("higher", "lower");
            String tool = TOOLS.get(name);
            if (tool != null && !installed(tool)) { // said so, not counted as a pass of the step
                assertThat(step.path("status").asText()).as(name).isEqualTo("skipped");
                assertThat(step.path("results").path(0).path("reason").asText()).contains(tool + " is not installed");
                continue;
            }
            assertThat(step.path("status").asText()).as(name + ": " + step).isEqualTo("ok");
            for (String dir : List.of("a", "b", "cairn")) {
                assertThat(step.path("values").path(dir).asDouble()).as(name + " on " + dir).isPositive();
            }
            assertThat(step.path("ratios").path("a/b").asDouble()).as(name).isPositive();
            assertThat(step.path("ratios").path("a/cairn").asDouble()).as(name).isPositive();
            if (step.path("cold").asBoolean()) { // as root the kernel's caches are dropped; otherwise it says it could not
                boolean asRoot = Files.isWritable(Path.of("/proc/sys/vm/drop_caches"));
                assertThat(step.path("results").path(2).path("caches").asText()).as(name)
                        .startsWith(asRoot ? "dropped" : "not dropped");
            }
        }
        assertThat(names).containsExactlyElementsOf(STEPS);
        for (Path d : List.of(a, b, mnt.dir)) {
            try (Stream<Path> left = Files.list(d)) {
                assertThat(left).as("nothing left behind in " + d).isEmpty();
            }
        }
    }

    @Test
    void aStepThatCannotFinishWithinItsTimeoutIsMarkedFailAndTheRunGoesOnAndExitsNonZero() throws Exception {
        List<String> args = new ArrayList<>(List.of(a.toString(), "--compare", b.toString(), "--step-timeout", "1ms"));
        args.addAll(List.of(TINY));
        Proc.Result table = bench(args.toArray(String[]::new));
        assertThat(table.exit()).as(table.stderr()).isEqualTo(1);
        assertThat(table.stdout()).contains("| create 20 x 4 KiB files | files/s | FAIL | FAIL |")
                .contains("FAIL create on a: did not finish within the step timeout (1ms)");
        args.add("--json");
        Proc.Result json = bench(args.toArray(String[]::new));
        assertThat(json.exit()).isEqualTo(1);
        JsonNode root = Json.mapper().readTree(json.stdout());
        assertThat(root.path("ok").asBoolean()).isFalse();
        List<String> names = new ArrayList<>();
        for (JsonNode step : root.path("steps")) {
            names.add(step.path("name").asText());
            // each step either failed at its timeout or was skipped because the step it needs failed
            assertThat(step.path("status").asText()).isIn("fail", "skipped");
        }
        assertThat(names).as("the run went on after each failure").containsExactlyElementsOf(STEPS);
        for (Path d : List.of(a, b)) {
            try (Stream<Path> left = Files.list(d)) {
                assertThat(left).as("nothing left behind in " + d).isEmpty();
            }
        }
    }
}
