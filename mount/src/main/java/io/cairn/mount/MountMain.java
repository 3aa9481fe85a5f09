package io.cairn.mount;

import io.cairn.common.client.Cluster;
import io.cairn.common.wire.ClusterStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** {@code cairn mount}: checks what it needs, mounts, and stays until unmounted or told to stop. */
public final class MountMain {
    private static final Logger LOG = LoggerFactory.getLogger(MountMain.class);
    private static volatile CountDownLatch stop = new CountDownLatch(1);

    private MountMain() {
    }

    /** Unmounts a running {@link #run} cleanly (what SIGINT and SIGTERM do). */
    public static void requestStop() {
        stop.countDown();
    }

    /**
     * Mounts and blocks until the file system is unmounted or {@link #requestStop} is called; returns
     * 0 after a clean unmount, or 1 with one line on stderr when it cannot mount.
     */
    public static int run(MountSettings s) {
        stop = new CountDownLatch(1);
        Path mnt = s.mountPoint().toAbsolutePath().normalize();
        String problem = preflight(mnt);
        if (problem != null) {
            System.err.println("cairn mount: " + problem);
            return 1;
        }
        Cluster cluster = new Cluster(s.masterUrl(), s.timeout());
        try {
            ClusterStatus status;
            try {
                status = cluster.master().status();
            } catch (IOException e) {
                System.err.println("cairn mount: cannot reach the master at " + s.masterUrl() + ": " + e.getMessage());
                return 1;
            }
            CairnFs fs = new CairnFs(cluster, s.attrTimeout(), (int) status.chunkSize());
            try {
                fs.mount(mnt, false, s.debug(), options(s));
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                System.err.println("cairn mount: cannot mount " + mnt + ": " + rootMessage(e));
                return 1;
            }
            if (!awaitMounted(mnt, true, 10_000)) {
                System.err.println("cairn mount: " + mnt + " did not appear as mounted (see the log above)");
                fs.umount();
                return 1;
            }
            System.err.println("cairn mount: cluster " + status.clusterId() + " at " + s.masterUrl() + " mounted on " + mnt);
            while (true) {
                if (stop.await(200, TimeUnit.MILLISECONDS)) {
                    fs.flushAll();
                    fs.umount();
                    awaitMounted(mnt, false, 10_000);
                    break;
                }
                if (!isMounted(mnt)) { // fusermount -u or umount from outside
                    break;
                }
            }
            System.err.println("cairn mount: unmounted " + mnt);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (IOException e) {
            System.err.println("cairn mount: " + e.getMessage());
            return 1;
        } finally {
            cluster.close();
        }
    }

    private static String[] options(MountSettings s) {
        long t = Math.max(0, s.attrTimeout().toMillis());
        String secs = t % 1000 == 0 ? Long.toString(t / 1000) : String.format(java.util.Locale.ROOT, "%.3f", t / 1000.0);
        List<String> o = new ArrayList<>(List.of("auto_unmount", "use_ino", "default_permissions", "big_writes",
                "max_write=131072", "max_read=131072", "fsname=cairn", "subtype=cairn",
                "attr_timeout=" + secs, "entry_timeout=" + secs, "negative_timeout=" + secs));
        for (String extra : s.extraOptions()) {
            for (String part : extra.split(",")) {
                if (!part.isBlank()) {
                    o.add(part.trim());
                }
            }
        }
        return new String[] {"-o", String.join(",", o)};
    }

    /** What would stop a mount, as one line, or null. */
    static String preflight(Path mnt) {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            return "/dev/fuse is missing: this machine (or container) cannot mount FUSE file systems";
        }
        if (!libfuse2Present()) {
            return "libfuse2 is missing: install the Debian package libfuse2 (apt-get install -y libfuse2)";
        }
        if (!onPath("fusermount") && !onPath("fusermount3")) {
            return "fusermount is missing: install the Debian package fuse3 (apt-get install -y fuse3)";
        }
        if (!Files.isDirectory(mnt)) {
            return "mount point " + mnt + " does not exist or is not a directory";
        }
        try {
            if (isMounted(mnt)) {
                return mnt + " is already mounted (a dead mount? clear it with: fusermount -u -z " + mnt + ")";
            }
            try (Stream<Path> list = Files.list(mnt)) {
                if (list.findAny().isPresent()) {
                    return "mount point " + mnt + " is not empty";
                }
            }
        } catch (IOException e) {
            return "cannot use mount point " + mnt + ": " + e.getMessage();
        }
        return null;
    }

    private static boolean libfuse2Present() {
        for (String dir : new String[] {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib"}) {
            if (Files.exists(Path.of(dir, "libfuse.so.2"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean onPath(String cmd) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, cmd))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/bin", cmd)) || Files.isExecutable(Path.of("/bin", cmd));
    }

    static boolean isMounted(Path mnt) throws IOException {
        String target = mnt.toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && unescape(f[4]).equals(target)) {
                return true;
            }
        }
        return false;
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    private static boolean awaitMounted(Path mnt, boolean want, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (isMounted(mnt) == want) {
                    return true;
                }
            } catch (IOException e) {
                LOG.debug("reading mountinfo: {}", e.toString());
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
