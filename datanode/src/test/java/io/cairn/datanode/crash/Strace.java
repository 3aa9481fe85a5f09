package io.cairn.datanode.crash;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * strace(1) attached to every thread of a process, recording its fsync and fdatasync calls with the
 * paths of their descriptors: what the process really did. {@link #stop} detaches and returns the
 * calls, one a line, without the thread id ({@code fsync(12</path>) = 0}).
 */
final class Strace implements AutoCloseable {
    private static final Pattern CALL = Pattern.compile("^\\d+\\s+((?:fsync|fdatasync)\\(.*)$");

    private final Process process;
    private final Path out;

    private Strace(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    /** Skips the calling test, saying why, when strace is not installed. */
    static void assume() {
        boolean ok = Files.isExecutable(Path.of("/usr/bin/strace")) || Files.isExecutable(Path.of("/bin/strace"));
        if (!ok) {
            System.out.println("SKIPPED: strace is missing (bin/install-deps --for-tests installs it as root)");
        }
        Assumptions.assumeTrue(ok, "strace is missing");
    }

    /** Attaches to {@code pid}; returns once every thread is traced (at most 30 s). */
    static Strace attach(Path out, long pid) throws IOException, InterruptedException {
        Path log = out.resolveSibling(out.getFileName() + ".stderr");
        Process p = new ProcessBuilder("strace", "-f", "-y", "-e", "trace=fsync,fdatasync", "-o", out.toString(),
                "-p", Long.toString(pid)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Strace s = new Strace(p, out);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("Process " + pid + " attached")) {
                Thread.sleep(200); // the other threads are attached right after the first
                return s;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        s.close();
        throw new IOException("strace did not attach to " + pid + ": " + (Files.exists(log) ? Files.readString(log) : ""));
    }

    /** Detaches and returns the calls traced. */
    List<String> stop() throws IOException, InterruptedException {
        close();
        if (!Files.exists(out)) {
            return List.of();
        }
        return Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                .map(CALL::matcher).filter(Matcher::matches).map(m -> m.group(1)).toList();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: strace detaches and writes out what it has
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
