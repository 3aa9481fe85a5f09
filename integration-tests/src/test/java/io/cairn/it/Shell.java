package io.cairn.it;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a shell command in a directory, as a person would type it, and captures its exit status,
 * stdout and stderr. Every run has a timeout: a command still running then is killed (with what it
 * started) and the test fails. {@code bash -o pipefail}, so a failing command in a pipeline fails
 * the whole command; {@code LC_ALL=C} and {@code TZ=UTC}, so messages and dates read the same on
 * every machine.
 */
public final class Shell {
    /** The default timeout of a command. */
    public static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** What a command did. */
    public record Result(int exit, String out, String err) {
    }

    private Shell() {
    }

    public static Result run(Path dir, String command) throws Exception {
        return run(dir, command, TIMEOUT);
    }

    public static Result run(Path dir, String command, Duration timeout) throws Exception {
        Path out = Files.createTempFile("cairn-sh-", ".out");
        Path err = Files.createTempFile("cairn-sh-", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("TZ", "UTC");
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("`" + command + "` did not finish within " + timeout + "; stderr: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
