package io.cairn.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class RunnerTest {
    @TempDir
    Path tmp;
    private Workspace work;
    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void workspace() throws Exception {
        Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(tmp.resolve("tree/f"), "x");
        work = Workspace.create(tmp.resolve("work"), tmp.resolve("tree"), 1);
    }

    @AfterEach
    void close() throws Exception {
        work.close();
    }

    private Settings settings(Duration stepTimeout) {
        return new Settings(1 << 20, 10, 10, tmp.resolve("tree"), 1, 1 << 20, Duration.ofMillis(100), stepTimeout,
                null, false);
    }

    private List<Target> targets(String... labels) throws Exception {
        List<Target> out = new ArrayList<>();
        for (String l : labels) {
            Path d = Files.createDirectories(tmp.resolve(l));
            out.add(new Target(l, d, Files.createDirectories(d.resolve("scratch"))));
        }
        return out;
    }

    private Step step(String name, String needs, Step.Workload w) {
        return new Step(name, name, "ops/s", Step.Better.HIGHER, false, needs, null, run -> {
            ran.add(name + "@" + run.target.label());
            return w.run(run);
        });
    }

    @Test
    void eachStepRunsOnEveryDirectoryStartingWithTheNextOneInTurn() throws Exception {
        List<Step> steps = List.of(step("one", null, r -> 1), step("two", null, r -> 2), step("three", null, r -> 3));
        Map<String, Map<String, Outcome>> out = new Runner(settings(Duration.ofSeconds(10)), work,
                new ProgressLine(System.err, false)).run(steps, targets("x", "y"));
        assertThat(ran).containsExactly("one@x", "one@y", "two@y", "two@x", "three@x", "three@y");
        assertThat(out.get("two").keySet()).as("the table keeps the order given").containsExactly("x", "y");
        assertThat(out.get("two").get("x").value()).isEqualTo(2.0);
    }

    @Test
    void aStepPastItsTimeoutFailsItsDependentsAreSkippedAndTheRunGoesOn() throws Exception {
        List<Step> steps = List.of(
                step("hangs", null, r -> {
                    while (true) {
                        r.check(); // a workload checks its deadline between operations
                        Thread.sleep(5);
                    }
                }),
                step("after-it", "hangs", r -> 1),
                step("blocked", null, r -> {
                    Thread.sleep(60_000); // does not check: interrupted at the deadline
                    return 1;
                }),
                step("fine", null, r -> 5));
        Map<String, Map<String, Outcome>> out = new Runner(settings(Duration.ofMillis(200)), work,
                new ProgressLine(System.err, false)).run(steps, targets("x"));
        assertThat(out.get("hangs").get("x").status()).isEqualTo(Outcome.Status.FAIL);
        assertThat(out.get("hangs").get("x").reason()).contains("did not finish within the step timeout (200ms)");
        assertThat(out.get("after-it").get("x").status()).isEqualTo(Outcome.Status.SKIPPED);
        assertThat(out.get("after-it").get("x").reason()).contains("needs hangs");
        assertThat(out.get("blocked").get("x").status()).isEqualTo(Outcome.Status.FAIL);
        assertThat(out.get("fine").get("x").value()).isEqualTo(5.0);
    }

    @Test
    void anErrorIsOneLineAndAFigureOfZeroIsAFailure() throws Exception {
        List<Step> steps = List.of(step("throws", null, r -> {
            throw new java.nio.file.NoSuchFileException("/x/y");
        }), step("zero", null, r -> 0));
        Map<String, Map<String, Outcome>> out = new Runner(settings(Duration.ofSeconds(10)), work,
                new ProgressLine(System.err, false)).run(steps, targets("x"));
        assertThat(out.get("throws").get("x").reason()).isEqualTo("/x/y: no such file");
        assertThat(out.get("zero").get("x").status()).isEqualTo(Outcome.Status.FAIL);
    }

    @Test
    void theTableHasARatioColumnPerComparedDirectoryAndTheJsonEveryStep() throws Exception {
        Step rate = new Step("create", "create 10 files", "files/s", Step.Better.HIGHER, false, null, null, r -> 1);
        Step time = new Step("tar-x", "tar -x", "s", Step.Better.LOWER, true, null, null, r -> 1);
        List<Target> t = targets("cairn", "local", "nfs");
        Map<String, Map<String, Outcome>> out = new java.util.LinkedHashMap<>();
        out.put("create", new java.util.LinkedHashMap<>(Map.of()));
        out.get("create").put("cairn", Outcome.ok(90, 1, null, null));
        out.get("create").put("local", Outcome.ok(3000, 1, null, null));
        out.get("create").put("nfs", Outcome.failed("boom", 1, null));
        out.put("tar-x", new java.util.LinkedHashMap<>());
        out.get("tar-x").put("cairn", Outcome.ok(40, 1, null, Caches.DROPPED));
        out.get("tar-x").put("local", Outcome.ok(4, 1, null, Caches.DROPPED));
        out.get("tar-x").put("nfs", Outcome.ok(10, 1, "a note", Caches.DROPPED));
        Report r = new Report("cairn test", "now", settings(Duration.ofSeconds(1)), t, List.of(rate, time), out, "1", "2");
        String table = r.table();
        assertThat(table).contains("| rate (higher is better) | unit | cairn | local | nfs | cairn/local | cairn/nfs |")
                .contains("| create 10 files | files/s | 90.0 | 3000 | FAIL | 0.030 |  |")
                .contains("| time (lower is better) | unit | cairn | local | nfs | cairn/local | cairn/nfs |")
                .contains("| tar -x | s | 40.0 | 4.00 | 10.0 | 10.0 | 4.00 |")
                .contains("FAIL create on nfs: boom")
                .contains("tar-x on nfs: a note");
        assertThat(r.ok()).isFalse();
        JsonNode j = Json.mapper().readTree(r.json());
        assertThat(j.path("steps").path(0).path("status").asText()).isEqualTo("fail");
        assertThat(j.path("steps").path(0).path("ratios").path("cairn/local").asDouble()).isEqualTo(0.03);
        assertThat(j.path("steps").path(0).path("values").path("nfs").isNull()).isTrue();
        assertThat(j.path("steps").path(1).path("better").asText()).isEqualTo("lower");
        assertThat(j.path("steps").path(1).path("ratios").path("cairn/nfs").asDouble()).isEqualTo(4.0);
    }

    @Test
    void figuresKeepAboutThreeSignificantDigits() {
        assertThat(Report.figure(12345.6)).isEqualTo("12346");
        assertThat(Report.figure(12.345)).isEqualTo("12.3");
        assertThat(Report.figure(1.2345)).isEqualTo("1.23");
        assertThat(Report.figure(0.012345)).isEqualTo("0.012");
        assertThat(Report.ratio(0.0312)).isEqualTo("0.031");
        assertThat(Report.ratio(0.5)).isEqualTo("0.50");
        assertThat(Report.ratio(45.1)).isEqualTo("45.1");
    }
}
