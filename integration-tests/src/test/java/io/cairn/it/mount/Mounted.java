package io.cairn.it.mount;

import io.cairn.it.Proc;
import io.cairn.it.Shell;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code cairn mount} on a directory: the real command ({@code bin/cairn mount}) as a child
 * process, so that signals, exit codes and the process's memory are real, with its output in
 * {@code MOUNTPOINT.mount.out} and {@code .err} beside the mount point.
 *
 * <pre>{@code
 * try (Mounted m = Mounted.at(dir, cluster.masterUrl()).attrTimeout(Duration.ZERO).start()) {
 *     m.ok("echo hello > f");          // a command in the mount, asserted to succeed
 *     assertThat(m.stop()).isZero();   // SIGTERM: it unmounts and exits 0
 * }
 * }</pre>
 *
 * Closing always cleans up, even after a failed test: SIGTERM, then {@code fusermount -u -z} and
 * {@code umount -l} while the mount point is still in /proc/self/mountinfo, then SIGKILL; it fails
 * if the mount point is still mounted.
 */
public final class Mounted implements AutoCloseable {
    /** How long a mount may take to appear, and to give up when it cannot mount. */
    static final Duration START = Duration.ofSeconds(60);
    /** How long a mount may take to exit after SIGTERM. */
    static final Duration STOP = Duration.ofSeconds(30);

    public final Path dir;
    private final Proc process;
    private Integer exit;

    private Mounted(Path dir, Proc process) {
        this.dir = dir;
        this.process = process;
    }

    /** Skips the calling test, with the reason printed, when this machine cannot mount FUSE. */
    public static void assumeFuse() {
        boolean ok = fuseAvailable();
        Assumptions.assumeTrue(ok, "/dev/fuse is missing");
    }

    /** Whether FUSE mounts can be tested here; prints why not when they cannot. */
    public static boolean fuseAvailable() {
        boolean ok = Files.exists(Path.of("/dev/fuse"));
        if (!ok) {
            System.out.println("SKIPPED: /dev/fuse is missing, so FUSE mounts cannot be tested on this machine");
        }
        return ok;
    }

    /** A mount of the cluster at {@code masterUrl} on {@code dir}, to be set up and started. */
    public static Spec at(Path dir, String masterUrl) {
        return new Spec(dir, masterUrl);
    }

    /** How to mount: everything {@code cairn mount} takes, and the mount process's heap. */
    public static final class Spec {
        private final Path dir;
        private final String masterUrl;
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new HashMap<>();

        private Spec(Path dir, String masterUrl) {
            this.dir = dir.toAbsolutePath().normalize();
            this.masterUrl = masterUrl;
            Path token = io.cairn.it.ClusterTokens.of(masterUrl);
            if (token != null) {
                env.put("CAIRN_TOKEN_FILE", token.toString());
            }
        }

        /** {@code --token-file}: the token the mount calls with (the cluster's admin token unless set). */
        public Spec tokenFile(Path file) {
            env.remove("CAIRN_TOKEN_FILE");
            args.addAll(List.of("--token-file", file.toString()));
            return this;
        }

        /** {@code --tls-ca}: the PEM file of the CAs the mount trusts for an https:// cluster. */
        public Spec tlsCa(Path file) {
            args.addAll(List.of("--tls-ca", file.toString()));
            return this;
        }

        /** {@code --attr-timeout}: how long the kernel caches attributes and entries (0: always ask). */
        public Spec attrTimeout(Duration d) {
            args.addAll(List.of("--attr-timeout", d.toMillis() + "ms"));
            return this;
        }

        /** {@code --timeout}: the bound on every remote call. */
        public Spec timeout(Duration d) {
            args.addAll(List.of("--timeout", d.toMillis() + "ms"));
            return this;
        }

        /** JVM options of the mount process ({@code CAIRN_JAVA_OPTS}), e.g. {@code -Xmx128m}. */
        public Spec javaOpts(String opts) {
            env.put("CAIRN_JAVA_OPTS", opts);
            return this;
        }

        /** {@code --metrics-port PORT} (0: any free port): the mount serves Prometheus metrics (see {@link #metricsUrl}). */
        public Spec metricsPort(int port) {
            args.addAll(List.of("--metrics-port", Integer.toString(port)));
            return this;
        }

        /** {@code -o OPTIONS}: extra FUSE options. */
        public Spec option(String fuseOptions) {
            args.addAll(List.of("-o", fuseOptions));
            return this;
        }

        private Proc launch() throws Exception {
            List<String> all = new ArrayList<>(List.of("mount", dir.toString(), "--master", masterUrl));
            all.addAll(args);
            return Proc.start(dir.getParent(), dir.getFileName() + ".mount", env, all.toArray(String[]::new));
        }

        /** Mounts (creating the mount point) and returns once the kernel shows it mounted. */
        public Mounted start() throws Exception {
            Files.createDirectories(dir);
            Mounted m = new Mounted(dir, launch());
            try {
                Eventually.await(dir + " is mounted", START, Duration.ofMillis(50), () -> {
                    if (!m.process.isAlive()) {
                        throw new AssertionError("the mount exited with " + m.process.await(Duration.ofSeconds(10)).exit()
                                + ": " + m.stderr());
                    }
                    return isMounted(dir);
                }, mounted -> mounted);
                return m;
            } catch (Throwable t) {
                m.close();
                throw t;
            }
        }

        /** Runs a mount that is expected to fail, and returns its exit status and stderr. */
        public Shell.Result fail() throws Exception {
            try (Proc p = launch()) {
                Proc.Result r = p.await(START);
                return new Shell.Result(r.exit(), r.stdout(), r.stderr());
            } finally {
                if (isMounted(dir)) {
                    forceUnmount(dir);
                }
            }
        }
    }

    /** The mount's stderr so far. */
    public String stderr() throws Exception {
        return process.stderr();
    }

    /** The metrics URL the mount printed at start ("metrics on http://ADDR:PORT/metrics"); fails if it printed none. */
    public java.net.URI metricsUrl() throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("metrics on (http://\\S+/metrics)").matcher(stderr());
        assertThat(m.find()).as("the mount printed where its metrics are: %s", stderr()).isTrue();
        return java.net.URI.create(m.group(1));
    }

    public long pid() {
        return process.pid();
    }

    /** Peak resident memory of the mount process so far (VmHWM), in KiB. */
    public long peakRssKiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmHWM for " + process.pid());
    }

    /** Runs a shell command in the mount. */
    public Shell.Result sh(String command) throws Exception {
        return Shell.run(dir, command);
    }

    /** Runs a shell command in the mount and asserts it succeeded. */
    public Shell.Result ok(String command) throws Exception {
        Shell.Result r = sh(command);
        assertThat(r.exit()).as("`%s` failed\nstderr: %s\nmount stderr: %s", command, r.err(), stderr()).isZero();
        return r;
    }

    /**
     * SIGTERM, and the exit status: the mount must unmount and exit by itself within 30 s. Returns
     * once it has exited and (within 10 s more) the kernel no longer shows it mounted.
     */
    public int stop() throws Exception {
        if (exit == null) {
            int code = process.terminate(STOP);
            if (code == -1) {
                throw new AssertionError("the mount did not exit within " + STOP + " of SIGTERM: " + stderr());
            }
            exit = code;
            awaitUnmounted(Duration.ofSeconds(10));
        }
        return exit;
    }

    /** Waits up to {@code timeout} until the mount point is no longer mounted; says whether it is gone. */
    public boolean awaitUnmounted(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isMounted(dir)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Unmounts whatever happened before: SIGTERM, then fusermount/umount, then SIGKILL; fails if still mounted. */
    @Override
    public void close() throws Exception {
        try {
            if (process.isAlive()) {
                process.terminate(STOP);
            }
        } finally {
            try {
                forceUnmount(dir);
            } finally {
                process.close(); // SIGKILL if still alive
            }
        }
    }

    /** Lazily unmounts {@code dir} while /proc/self/mountinfo shows it; fails if it is still mounted after that. */
    public static void forceUnmount(Path dir) throws Exception {
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

    /** Whether /proc/self/mountinfo lists {@code dir} as a mount point. */
    public static boolean isMounted(Path dir) throws Exception {
        String target = dir.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && unescape(f[4]).equals(target)) {
                return true;
            }
        }
        return false;
    }

    /** The kernel writes space, tab, newline and backslash in mountinfo as octal escapes. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
