package io.cairn.it.mount;

import io.cairn.it.Data;
import io.cairn.it.MiniCluster;
import io.cairn.it.Shell;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands a person runs, through a real FUSE mount of a real cluster. */
@Timeout(600)
class MountIT {
    /** Longer than the mount's attribute timeout (1 s), with room for a loaded machine. */
    static final Duration ATTR_CACHE = Duration.ofSeconds(5);
    static MiniCluster cluster;
    static Mounted mnt;
    static Path work;
    static Path m;

    @BeforeAll
    static void mount() throws Exception {
        Mounted.assumeFuse();
        cluster = MiniCluster.builder().datanodes(3).chunkSize(1 << 20).start();
        work = Files.createTempDirectory("cairn-mount-it-");
        m = work.resolve("mnt");
        mnt = Mounted.at(m, cluster.masterUrl()).javaOpts("-Xmx160m").attrTimeout(Duration.ofSeconds(1)).start();
    }

    @AfterAll
    static void unmount() throws Exception {
        try {
            if (mnt != null) {
                assertThat(mnt.stop()).as("SIGTERM unmounts and exits 0").isZero();
                assertThat(Mounted.isMounted(m)).isFalse();
                mnt.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (work != null && !Mounted.isMounted(m)) {
                try (var files = Files.walk(work)) { // the test's temp directory, with its 100 MiB files
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static Shell.Result ok(String command) throws Exception {
        Shell.Result r = mnt.sh(command);
        assertThat(r.exit()).as(command + "\nstderr: " + r.err()).isZero();
        return r;
    }

    @Test
    void cpCatAndLsWork() throws Exception {
        ok("echo 'hello, cairn' > hello.txt");
        assertThat(ok("cat hello.txt").out()).isEqualTo("hello, cairn\n");
        ok("cp /etc/services services.copy && cmp /etc/services services.copy");
        assertThat(ok("ls -l hello.txt").out()).startsWith("-rw-r--r-- 1 root root 13 ");
        assertThat(ok("stat -c %s services.copy").out().trim()).isEqualTo(Long.toString(Files.size(Path.of("/etc/services"))));
    }

    @Test
    void directoriesAreMadeMovedAndRemoved() throws Exception {
        ok("mkdir -p a/b/c && echo x > a/b/c/f");
        ok("mv a z && test -f z/b/c/f && test ! -e a");
        Shell.Result rmdir = mnt.sh("rmdir z");
        assertThat(rmdir.exit()).isNotZero();
        assertThat(rmdir.err()).contains("Directory not empty");
        ok("rm -r z && test ! -e z");
    }

    @Test
    void linksModesAndTimesBehaveAsOnALocalDisk() throws Exception {
        ok("echo data > target && ln -s target sym && ln target hard");
        assertThat(ok("readlink sym").out().trim()).isEqualTo("target");
        assertThat(ok("cat sym").out()).isEqualTo("data\n");
        assertThat(ok("stat -c '%h %i' hard").out().trim().split(" ")[0]).isEqualTo("2");
        String inode = ok("stat -c %i hard").out();
        assertThat(inode).isEqualTo(Eventually.await("target shows the inode of its hard link", ATTR_CACHE, Duration.ofMillis(100),
                () -> ok("stat -c %i target").out(), inode::equals));
        ok("chmod 0640 target");
        assertThat(ok("stat -c %a target").out().trim()).isEqualTo("640");
        // touch -d: nanoseconds and a date far past 2038
        ok("touch -d '2100-01-02 03:04:05.123456789 UTC' target");
        assertThat(ok("TZ=UTC stat -c %y target").out().trim()).isEqualTo("2100-01-02 03:04:05.123456789 +0000");
        ok("mkfifo pipe && test -p pipe");
        ok("rm hard sym target pipe");
    }

    @Test
    void truncateGrowsWithZerosAndShrinks() throws Exception {
        ok("printf 'abcdefgh' > t && truncate -s 4 t && truncate -s 6 t");
        assertThat(ok("od -An -c t").out().replaceAll("\\s+", " ").trim()).isEqualTo("a b c d \\0 \\0");
        ok("truncate -s 3000000 t && truncate -s 2 t");
        assertThat(ok("cat t").out()).isEqualTo("ab");
    }

    @Test
    void ddIntoTheMiddleOfAFileChangesOnlyThoseBytes() throws Exception {
        Path local = Data.randomFile(work.resolve("mid.bin"), 3 * (1 << 20) + 100, 7);
        ok("cp " + local + " mid.bin");
        ok("cp " + local + " " + work.resolve("mid.orig"));
        // dd conv=notrunc seek= in the middle, across a chunk boundary (1 MiB), on both copies
        Path patch = Data.randomFile(work.resolve("patch"), 30_000, 8);
        String dd = "dd if=" + patch + " of=%s bs=1000 seek=1040 conv=notrunc status=none";
        ok(dd.formatted("mid.bin") + " && " + dd.formatted(local));
        // the 30,000 bytes at 1,040,000 are the patch's, and nothing before or after them changed
        ok("cmp -i 1040000:0 -n 30000 mid.bin " + patch);
        ok("cmp -n 1040000 mid.bin " + work.resolve("mid.orig"));
        ok("cmp -i 1070000 mid.bin " + work.resolve("mid.orig"));
        ok("cmp mid.bin " + local);
        assertThat(Files.size(m.resolve("mid.bin"))).isEqualTo(Files.size(local));
    }

    @Test
    void aTarTreeExtractsIdentically() throws Exception {
        Path src = work.resolve("tree");
        for (int d = 0; d < 5; d++) {
            Files.createDirectories(src.resolve("d" + d + "/sub"));
            for (int f = 0; f < 12; f++) {
                Data.randomFile(src.resolve("d" + d + "/f" + f), f * 997L, d * 100 + f);
            }
            Files.writeString(src.resolve("d" + d + "/sub/note.txt"), "note " + d);
            Files.createSymbolicLink(src.resolve("d" + d + "/link"), Path.of("f1"));
        }
        ok("tar -C " + work + " -cf " + work.resolve("tree.tar") + " tree");
        ok("mkdir x && tar -xf " + work.resolve("tree.tar") + " -C x");
        ok("diff -r " + src + " x/tree");
    }

    @Test
    void aHundredMebibyteRandomFileHasTheSameMd5() throws Exception {
        Path local = Data.randomFile(work.resolve("r100"), 100L << 20, 99);
        ok("cp " + local + " r100");
        assertThat(ok("md5sum < r100").out()).isEqualTo(ok("md5sum < " + local).out());
    }

    @Test
    void fsyncMakesWrittenChunksDurableOnEveryReplica() throws Exception {
        // dd conv=fsync: write, then fsync(2), which reaches every replica
        ok("dd if=/dev/urandom of=synced bs=1M count=3 conv=fsync status=none");
        assertThat(Files.size(m.resolve("synced"))).isEqualTo(3 << 20);
        ok("python3 -c \"import os; f=os.open('synced', os.O_RDWR); os.pwrite(f, b'x', 5); os.fsync(f); os.close(f)\"");
        assertThat(ok("head -c 6 synced | tail -c 1").out()).isEqualTo("x");
    }

    @Test
    void twoProcessesWritingDifferentFilesAtOnce() throws Exception {
        Path a = Data.randomFile(work.resolve("pa"), 5 << 20, 1);
        Path b = Data.randomFile(work.resolve("pb"), 5 << 20, 2);
        ok("cp " + a + " pa & cp " + b + " pb & wait");
        ok("cmp pa " + a + " && cmp pb " + b);
    }

    @Test
    void aSecondMountSeesWhatTheFirstWroteAfterClose() throws Exception {
        ok("echo 'from the first mount' > shared.txt");
        try (Mounted second = Mounted.at(work.resolve("mnt2"), cluster.masterUrl()).attrTimeout(Duration.ZERO).start()) {
            assertThat(second.sh("cat shared.txt").out()).isEqualTo("from the first mount\n");
            second.sh("echo 'changed on the second' > shared.txt");
            // once the first mount's attribute timeout (1 s) has passed, it sees the new content
            Eventually.await("the first mount shows the change", ATTR_CACHE, Duration.ofMillis(100),
                    () -> mnt.sh("cat shared.txt").out(), "changed on the second\n"::equals);
            assertThat(ok("cat shared.txt").out()).isEqualTo("changed on the second\n");
            assertThat(second.stop()).isZero();
        }
    }

    @Test
    void anUnlinkedOpenFileStaysReadableAndWritable() throws Exception {
        Path p = m.resolve("victim");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write("keep me".getBytes());
            Files.delete(p);
            assertThat(Files.exists(p)).isFalse();
            f.seek(0);
            byte[] b = new byte[7];
            f.readFully(b);
            assertThat(new String(b)).isEqualTo("keep me");
            f.write(" more".getBytes());
            f.seek(0);
            byte[] all = new byte[12];
            f.readFully(all);
            assertThat(new String(all)).isEqualTo("keep me more");
        }
    }

    @Test
    void dfShowsTheClustersCapacity() throws Exception {
        String df = ok("df -B1 --output=size,avail . | tail -1").out().trim();
        long size = Long.parseLong(df.split("\\s+")[0]);
        assertThat(size).isPositive();
        long capacity = cluster.nodes().stream().mapToLong(n -> n.capacity()).sum();
        assertThat(size).isBetween(capacity - capacity / 100, capacity);
    }

    @Test
    void userExtendedAttributesAreKeptAndAclsRefusedOnPurpose() throws Exception {
        ok("touch xa");
        assertThat(ok("python3 -c \"import os; os.setxattr('xa', 'user.k', b'v'); print(os.getxattr('xa', 'user.k'))\"")
                .out()).isEqualTo("b'v'\n");
        Shell.Result r = mnt.sh("python3 -c \"import os; os.setxattr('xa', 'system.cairn', b'v')\"");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("Operation not supported");
    }

    @Test
    void mountingOnANonEmptyDirectoryFailsWithOneLine() throws Exception {
        Path busy = Files.createDirectories(work.resolve("busy"));
        Files.writeString(busy.resolve("file"), "x");
        Shell.Result r = Mounted.at(busy, cluster.masterUrl()).fail();
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().trim()).contains("not empty").doesNotContain("\n");
    }
}
