package io.cairn.it.mount;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mount of this module's {@code MountMain} in a child JVM (so that signals, exit codes and the
 * process's memory are real). Closing it unmounts even after a failed test: SIGTERM first, then
 * {@code fusermount -u -z}, {@code umount -l}, and SIGKILL for the process; it returns only when
 * the mount point is gone from /proc/self/mountinfo.
 */
final class ChildMount implements AutoCloseable {
    final Path dir;
    private final Process process;
    private final Path stderr;
    private Integer exit;

    private ChildMount(Path dir, Process process, Path stderr) {
        this.dir = dir;
        this.process = process;
        this.stderr = stderr;
    }

    /** Skips the calling test class, with the reason printed, when this machine cannot mount FUSE. */
    static void assumeFuse() {
        boolean ok = Files.exists(Path.of("/dev/fuse"));
        if (!ok) {
            System.out.println("SKIPPED: /dev/fuse is missing, so FUSE mounts cannot be tested on this machine");
        }
        Assumptions.assumeTrue(ok, "/dev/fuse is missing");
    }

    static ChildMount start(Path dir, String masterUrl, Duration attrTimeout, Duration timeout, String heap,
                            String... options) throws Exception {
        Files.createDirectories(dir);
        Process p = launch(dir, masterUrl, attrTimeout, timeout, heap, options);
        Path err = stderrOf(dir);
        ChildMount m = new ChildMount(dir, p, err);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!isMounted(dir)) {
                if (!p.isAlive()) {
                    throw new AssertionError("the mount exited with " + p.exitValue() + ": " + m.stderr());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not mounted after 60s: " + m.stderr());
                }
                Thread.sleep(50);
            }
            return m;
        } catch (Throwable t) {
            m.close();
            throw t;
        }
    }

    /** Runs a mount that is expected to fail, and returns its exit status and stderr. */
    static Shell.Result fail(Path dir, String masterUrl, String... options) throws Exception {
        Process p = launch(dir, masterUrl, Duration.ofSeconds(1), Duration.ofSeconds(3), "-Xmx64m", options);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the mount did not give up within 60s");
        }
        return new Shell.Result(p.exitValue(), "", Files.readString(stderrOf(dir), StandardCharsets.UTF_8));
    }

    private static Path stderrOf(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".mount.err");
    }

    private static Process launch(Path dir, String masterUrl, Duration attrTimeout, Duration timeout, String heap,
                                  String... options) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-XX:+UseSerialGC", "-Dfile.encoding=UTF-8", "-Dsun.jnu.encoding=UTF-8", "-cp", cp,
                MountProcess.class.getName(), dir.toString(), masterUrl, Long.toString(attrTimeout.toMillis()),
                Long.toString(timeout.toMillis())));
        cmd.addAll(List.of(options));
        return new ProcessBuilder(cmd).redirectErrorStream(false)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderrOf(dir).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    String stderr() throws Exception {
        return Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
    }

    long pid() {
        return process.pid();
    }

    /** Peak resident memory of the mount process so far (VmHWM), in KiB. */
    long peakRssKiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmHWM for " + process.pid());
    }

    Shell.Result sh(String command) throws Exception {
        return Shell.run(dir, command);
    }

    /** Runs a command in the mount and asserts it succeeded. */
    Shell.Result ok(String command) throws Exception {
        Shell.Result r = Shell.run(dir, command);
        assertThat(r.exit()).as("`%s` failed\nstderr: %s\nmount stderr: %s", command, r.err(), stderr()).isZero();
        return r;
    }

    /** SIGTERM, and the exit status (the mount must unmount and exit by itself within 30 s). */
    int stop() throws Exception {
        if (exit == null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the mount did not exit within 30s of SIGTERM: " + stderr());
            }
            exit = process.exitValue();
        }
        return exit;
    }

    @Override
    public void close() throws Exception {
        try {
            if (process.isAlive()) {
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            forceUnmount(dir);
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static void forceUnmount(Path dir) throws Exception {
        for (String[] cmd : new String[][] {{"fusermount", "-u", "-z", dir.toString()}, {"umount", "-l", dir.toString()}}) {
            if (!isMounted(dir)) {
                return;
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (isMounted(dir) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        assertThat(isMounted(dir)).as("%s is still mounted", dir).isFalse();
    }

    static boolean isMounted(Path dir) throws Exception {
        String target = dir.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[4].replace("\\040", " ").equals(target)) {
                return true;
            }
        }
        return false;
    }
}
