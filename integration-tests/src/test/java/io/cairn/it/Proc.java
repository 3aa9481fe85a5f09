package io.cairn.it;

import io.cairn.testing.Eventually;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real OS process started through bin/cairn (or any command), with its output in files. */
public final class Proc implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;
    private final String name;

    private Proc(String name, Process p, Path out, Path err) {
        this.name = name;
        this.process = p;
        this.out = out;
        this.err = err;
    }

    public static Path root() {
        return Path.of(System.getProperty("cairn.root", "..")).toAbsolutePath().normalize();
    }

    public static Path cairn() {
        return root().resolve("bin/cairn");
    }

    /** Starts {@code bin/cairn args...} in the background. */
    public static Proc start(Path logDir, String name, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(cairn().toString());
        cmd.addAll(List.of(args));
        return startCommand(logDir, name, env, cmd);
    }

    public static Proc startCommand(Path logDir, String name, Map<String, String> env, List<String> cmd) throws IOException {
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        return new Proc(name, pb.start(), out, err);
    }

    /** Result of a command run to completion. */
    public record Result(int exit, String stdout, String stderr) {
    }

    /** Runs {@code bin/cairn args...} to completion within {@code timeout}. */
    public static Result run(Path logDir, Map<String, String> env, Duration timeout, String... args) throws Exception {
        try (Proc p = start(logDir, "run-" + System.nanoTime(), env, args)) {
            return p.await(timeout);
        }
    }

    /** Runs any command to completion within {@code timeout} (its output in temp files, removed after). */
    public static Result runCommand(List<String> cmd, Duration timeout) throws Exception {
        Path logs = Files.createTempDirectory("cairn-cmd-");
        try (Proc p = startCommand(logs, "cmd", Map.of(), cmd)) {
            return p.await(timeout);
        } finally {
            try (var files = Files.list(logs)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(logs);
        }
    }

    public Result await(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not finish within " + timeout + "; stderr: " + stderr());
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), stderr());
    }

    /** What it printed on stdout so far. */
    public String stdout() throws IOException {
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }

    public String stderr() throws IOException {
        return Files.exists(err) ? Files.readString(err, StandardCharsets.UTF_8) : "";
    }

    /** Waits for a line of stderr matching {@code regex} and returns its first group. */
    public String awaitStderr(String regex, Duration timeout) throws Exception {
        Pattern p = Pattern.compile(regex);
        String err = Eventually.await(name + " prints a line matching " + regex + " on stderr", timeout,
                Duration.ofMillis(50), () -> {
                    String e = stderr();
                    if (!p.matcher(e).find() && !process.isAlive()) {
                        throw new AssertionError(name + " exited with " + process.exitValue() + ": " + e);
                    }
                    return e;
                }, e -> p.matcher(e).find());
        Matcher m = p.matcher(err);
        m.find();
        return m.groupCount() > 0 ? m.group(1) : m.group();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends a signal by name ({@code STOP}, {@code CONT}, ...) with kill(1). */
    public void signal(String name) throws Exception {
        Result r = runCommand(List.of("kill", "-" + name, Long.toString(process.pid())), Duration.ofSeconds(10));
        if (r.exit() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed: " + r.stderr());
        }
    }

    /** SIGKILL, and wait for it to be gone. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM and the exit status (or -1 if it did not exit in time, after which it is killed). */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
