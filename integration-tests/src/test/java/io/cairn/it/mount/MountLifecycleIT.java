package io.cairn.it.mount;

import io.cairn.it.MiniCluster;
import io.cairn.it.Shell;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Mounting, failing to mount with one clear line, stopping cleanly, surviving a master restart. */
@Timeout(300)
class MountLifecycleIT {
    static MiniCluster cluster;
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        Mounted.assumeFuse();
        cluster = MiniCluster.builder().datanodes(2).chunkSize(1 << 20).safeModeTimeout(Duration.ofSeconds(2)).start();
        work = Files.createTempDirectory("cairn-mount-life-");
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (work != null) {
            Shell.run(Path.of("/"), "rm -rf " + work);
        }
    }

    @Test
    void sigtermUnmountsAndExitsZero() throws Exception {
        try (Mounted m = Mounted.at(work.resolve("term"), cluster.masterUrl())
                .attrTimeout(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(30)).javaOpts("-Xmx128m").start()) {
            m.ok("echo bye > f");
            assertThat(m.stop()).isZero();
            assertThat(Mounted.isMounted(m.dir)).isFalse();
            assertThat(m.stderr()).contains("mounted on").contains("unmounted");
        }
    }

    @Test
    void fusermountFromOutsideEndsTheMountWithExitZero() throws Exception {
        try (Mounted m = Mounted.at(work.resolve("outside"), cluster.masterUrl())
                .attrTimeout(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(30)).javaOpts("-Xmx128m").start()) {
            assertThat(Shell.run(work, "fusermount -u " + m.dir).exit()).isZero();
            assertThat(m.stop()).isZero();
        }
    }

    @Test
    void aKilledMountLeavesNoDeadDirectoryBehind() throws Exception {
        try (Mounted m = Mounted.at(work.resolve("killed"), cluster.masterUrl())
                .attrTimeout(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(30)).javaOpts("-Xmx128m").start()) {
            Shell.run(work, "kill -9 " + m.pid());
            m.awaitUnmounted(Duration.ofSeconds(20));
            assertThat(Mounted.isMounted(m.dir)).as("auto_unmount cleared it").isFalse();
            assertThat(Files.isDirectory(m.dir)).isTrue();
        }
    }

    @Test
    void aNonEmptyMountPointIsRefusedWithOneLine() throws Exception {
        Path busy = Files.createDirectories(work.resolve("busy"));
        Files.writeString(busy.resolve("file"), "x");
        Shell.Result r = failToMount(busy, cluster.masterUrl());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").contains("not empty");
    }

    @Test
    void aMissingMountPointIsRefusedWithOneLine() throws Exception {
        Shell.Result r = failToMount(work.resolve("nowhere"), cluster.masterUrl());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").contains("does not exist");
    }

    @Test
    void anUnreachableMasterIsRefusedWithOneLine() throws Exception {
        Path dir = Files.createDirectories(work.resolve("nomaster"));
        Shell.Result r = failToMount(dir, "http://127.0.0.1:1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").contains("cannot reach the master");
        assertThat(Mounted.isMounted(dir)).isFalse();
    }

    @Test
    void whileTheMasterIsDownCallsFailWithEioAndTheMountWorksAgainOnceItIsBack() throws Exception {
        try (Mounted m = Mounted.at(work.resolve("outage"), cluster.masterUrl())
                .attrTimeout(Duration.ZERO).timeout(Duration.ofSeconds(2)).javaOpts("-Xmx128m").start()) {
            m.ok("echo before > f");
            cluster.stopMaster();
            try {
                long t0 = System.nanoTime();
                // from outside the mount: even its root cannot be looked up now
                Shell.Result r = Shell.run(work, "cat " + m.dir.resolve("f"));
                assertThat(r.exit()).isNotZero();
                assertThat(r.err()).contains("Input/output error");
                assertThat(Shell.run(work, "echo x > " + m.dir.resolve("g")).exit()).isNotZero();
                assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(30));
            } finally {
                cluster.restartMaster();
            }
            cluster.waitForLive(2, Duration.ofSeconds(30));
            // the master may refuse writes until the datanodes have reported (safe mode)
            Shell.Result w = Eventually.await("a write works again", Duration.ofSeconds(60), Duration.ofMillis(200),
                    () -> m.sh("echo after > g"), r -> r.exit() == 0);
            assertThat(w.exit()).as(w.err()).isZero();
            assertThat(m.ok("cat f g").out()).isEqualTo("before\nafter\n");
            assertThat(m.stop()).isZero();
        }
    }

    @Test
    void withNoDatanodeToWriteToFsyncFailsAndTheSameWriteWorksOnceTheyAreBack() throws Exception {
        try (Mounted m = Mounted.at(work.resolve("nodata"), cluster.masterUrl())
                .attrTimeout(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(3)).javaOpts("-Xmx128m").start()) {
            m.ok("echo before > f");
            for (int i = 0; i < cluster.size(); i++) {
                cluster.stopDatanode(i);
            }
            try {
                // dd conv=fsync: the error comes back from fsync(2), as POSIX says, not only from release
                Shell.Result r = m.sh("dd if=/dev/zero of=g bs=64k count=4 conv=fsync status=none");
                assertThat(r.exit()).isNotZero();
                assertThat(r.err()).containsAnyOf("Input/output error", "No space left on device");
            } finally {
                for (int i = 0; i < cluster.size(); i++) {
                    cluster.restartDatanode(i);
                }
            }
            cluster.waitForLive(cluster.size(), Duration.ofSeconds(30));
            Shell.Result w = Eventually.await("the same write works", Duration.ofSeconds(60), Duration.ofMillis(200),
                    () -> m.sh("dd if=/dev/zero of=g bs=64k count=4 conv=fsync status=none"), r -> r.exit() == 0);
            assertThat(w.exit()).as(w.err()).isZero();
            assertThat(m.ok("stat -c %s g && cat f").out()).isEqualTo("262144\nbefore\n");
            assertThat(m.stop()).isZero();
        }
    }

    /** A mount that is expected to fail: it gives up after 3 s without a master. */
    private static Shell.Result failToMount(Path dir, String masterUrl) throws Exception {
        return Mounted.at(dir, masterUrl).attrTimeout(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(3))
                .javaOpts("-Xmx64m").fail();
    }
}
