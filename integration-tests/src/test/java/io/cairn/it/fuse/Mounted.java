package io.cairn.it.fuse;

import io.cairn.it.Proc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real `cairn mount` process on a temp directory; closing it unmounts (SIGTERM) and checks it is gone. */
final class Mounted implements AutoCloseable {
    final Path dir;
    final Proc proc;

    private Mounted(Path dir, Proc proc) {
        this.dir = dir;
        this.proc = proc;
    }

    static boolean fuseAvailable() {
        boolean ok = Files.exists(Path.of("/dev/fuse"));
        if (!ok) {
            System.out.println("SKIPPED: /dev/fuse is missing on this machine, so FUSE mounts cannot be tested here");
        }
        return ok;
    }

    static Mounted mount(Path logs, Path dir, String masterUrl, Map<String, String> env, String... extra) throws Exception {
        Files.createDirectories(dir);
        List<String> args = new java.util.ArrayList<>(List.of("mount", dir.toString(), "--master", masterUrl));
        args.addAll(List.of(extra));
        Proc p = Proc.start(logs, "mount-" + dir.getFileName(), env, args.toArray(String[]::new));
        try {
            p.awaitStderr("(mounted on)", Duration.ofSeconds(60));
        } catch (AssertionError | Exception e) {
            p.close();
            forceUnmount(dir);
            throw e;
        }
        return new Mounted(dir, p);
    }

    static boolean isMounted(Path dir) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[4].equals(dir.toString())) {
                return true;
            }
        }
        return false;
    }

    static void forceUnmount(Path dir) throws Exception {
        if (isMounted(dir)) {
            new ProcessBuilder("fusermount", "-u", "-z", dir.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
        if (isMounted(dir)) {
            new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM: the mount unmounts itself and exits 0; returns that exit status. */
    int stop() throws Exception {
        int code = proc.terminate(Duration.ofSeconds(30));
        long deadline = System.currentTimeMillis() + 10_000;
        while (isMounted(dir) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        return code;
    }

    @Override
    public void close() throws Exception {
        try {
            if (proc.isAlive()) {
                stop();
            }
        } finally {
            proc.close();
            forceUnmount(dir);
        }
    }

    /** Runs a shell command (with a timeout) and returns its result. */
    static Sh sh(Path cwd, String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).directory(cwd.toFile()).redirectErrorStream(false).start();
        p.getOutputStream().close();
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        Thread a = new Thread(() -> copy(p.getInputStream(), out));
        Thread b = new Thread(() -> copy(p.getErrorStream(), err));
        a.start();
        b.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        a.join();
        b.join();
        return new Sh(p.exitValue(), out.toString(), err.toString());
    }

    private static void copy(java.io.InputStream in, java.io.OutputStream out) {
        try {
            in.transferTo(out);
        } catch (java.io.IOException e) {
            // the process is gone
        }
    }

    record Sh(int exit, String out, String err) {
    }
}
