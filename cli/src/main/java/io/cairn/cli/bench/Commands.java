package io.cairn.cli.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Programs the workloads run (tar, cp, git, rsync, fio): found on the PATH, run with a deadline. */
final class Commands {
    private Commands() {
    }

    /** Whether {@code program} is on the PATH. */
    static boolean has(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Starts {@code command} in {@code dir}; its output goes to files in {@code logs}. */
    static Running start(Path dir, Map<String, String> env, List<String> command, Path logs) throws IOException {
        Path out = Files.createTempFile(logs, command.get(0).replaceAll("[^a-z]", "") + "-", ".out");
        Path err = Files.createTempFile(logs, command.get(0).replaceAll("[^a-z]", "") + "-", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("LC_ALL", "C");
        pb.environment().putAll(env);
        return new Running(String.join(" ", command), pb.start(), out, err);
    }

    /** A command under way. */
    static final class Running {
        private final String line;
        private final Process process;
        private final Path out;
        private final Path err;

        private Running(String line, Process process, Path out, Path err) {
            this.line = line;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /** Waits up to {@code timeout}; its stdout when it exited 0, else an error with the end of its stderr. */
        String await(Duration timeout) throws IOException, InterruptedException {
            try {
                if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    kill();
                    throw new StepRun.Stopped("`" + line + "` was still running at the deadline");
                }
                if (process.exitValue() != 0) {
                    throw new IOException("`" + line + "` exited with " + process.exitValue() + tail(err));
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } catch (InterruptedException e) {
                kill();
                throw e;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }

        /** Kills it and whatever it started. */
        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        private static String tail(Path err) throws IOException {
            String s = Files.readString(err, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) {
                return "";
            }
            String last = s.lines().reduce((a, b) -> b).orElse("");
            return ": " + (last.length() > 300 ? last.substring(0, 300) + "..." : last);
        }
    }
}
