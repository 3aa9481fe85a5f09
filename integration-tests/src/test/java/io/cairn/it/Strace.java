package io.cairn.it;

import org.junit.jupiter.api.Assumptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * strace(1) attached to running processes (every thread, {@code -f}), recording the system calls a
 * test asks for with the paths of their file descriptors ({@code -y}) and the time each took
 * ({@code -T}): what a process really did, not what it said it did. {@link #stop()} detaches and
 * returns the lines.
 *
 * <pre>{@code
 * try (Strace s = Strace.attach(tmp.resolve("trace"), "fsync,fdatasync", pid)) {
 *     ... the operation under test ...
 *     List<String> calls = s.stop();
 * }
 * }</pre>
 */
public final class Strace implements AutoCloseable {
    private final Proc process;
    private final Path out;
    private List<String> lines;

    private Strace(Proc process, Path out) {
        this.process = process;
        this.out = out;
    }

    /** Skips the calling test, saying why, when strace is not installed ({@code bin/install-deps --for-tests} installs it). */
    public static void assume() {
        boolean ok = installed();
        if (!ok) {
            System.out.println("SKIPPED: strace is missing (bin/install-deps --for-tests installs the Debian package strace as root)");
        }
        Assumptions.assumeTrue(ok, "strace is missing");
    }

    public static boolean installed() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "strace"))) {
                return true;
            }
        }
        return false;
    }

    /** Attaches to every thread of {@code pids}, tracing {@code calls} (e.g. {@code fsync,fdatasync}); returns once attached. */
    public static Strace attach(Path out, String calls, long... pids) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-y", "-T", "-e", "trace=" + calls, "-o", out.toString()));
        for (long pid : pids) {
            cmd.add("-p");
            cmd.add(Long.toString(pid));
        }
        Proc p = Proc.startCommand(out.getParent(), out.getFileName() + ".strace", Map.of(), cmd);
        Strace s = new Strace(p, out);
        try {
            for (long pid : pids) {
                p.awaitStderr("Process " + pid + " attached", Duration.ofSeconds(30));
            }
            return s;
        } catch (Throwable t) {
            s.close();
            throw t;
        }
    }

    /** Runs {@code command} under strace from its start and returns the traced lines once it ends. */
    public static Result run(Path out, String calls, Duration timeout, List<String> command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-y", "-T", "-e", "trace=" + calls, "-o", out.toString()));
        cmd.addAll(command);
        try (Proc p = Proc.startCommand(out.getParent(), out.getFileName() + ".strace", Map.of(), cmd)) {
            Proc.Result r = p.await(timeout);
            return new Result(r.exit(), r.stderr(), Files.readAllLines(out, StandardCharsets.UTF_8));
        }
    }

    /** What {@link #run} saw: the command's exit status and stderr (strace's own lines go to the trace), and the calls. */
    public record Result(int exit, String stderr, List<String> calls) {
    }

    /** Detaches (SIGTERM: strace lets the processes go on untouched) and returns every traced line. */
    public List<String> stop() throws Exception {
        if (lines == null) {
            int exit = process.terminate(Duration.ofSeconds(30));
            if (exit == -1) {
                throw new AssertionError("strace did not detach within 30 s: " + process.stderr());
            }
            lines = Files.exists(out) ? Files.readAllLines(out, StandardCharsets.UTF_8) : List.of();
        }
        return lines;
    }

    /**
     * The longest call among {@code lines} whose text contains {@code marker} (a call name with its
     * fd's path, e.g. {@code "write(1</mnt/f>"}), in milliseconds, from the {@code <seconds>} that
     * {@code -T} puts at the end; calls strace split in two count with their "resumed" half.
     */
    public static double longestMs(List<String> lines, String call, String path) {
        double max = 0;
        java.util.Map<String, Boolean> open = new java.util.HashMap<>();
        java.util.regex.Pattern time = java.util.regex.Pattern.compile("<(\\d+\\.\\d+)>\\s*$");
        for (String l : lines) {
            String pid = l.split(" ", 2)[0];
            boolean start = l.contains(" " + call + "(") && l.contains("<" + path);
            if (start && l.endsWith("<unfinished ...>")) {
                open.put(pid, Boolean.TRUE);
                continue;
            }
            boolean resumed = l.contains("<... " + call + " resumed>") && open.remove(pid) != null;
            if (start || resumed) {
                java.util.regex.Matcher m = time.matcher(l);
                if (m.find()) {
                    max = Math.max(max, Double.parseDouble(m.group(1)) * 1000);
                }
            }
        }
        return max;
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            process.close();
        }
    }
}
