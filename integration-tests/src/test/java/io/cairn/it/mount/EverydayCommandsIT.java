package io.cairn.it.mount;

import io.cairn.it.Data;
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

import static org.assertj.core.api.Assertions.assertThat;

/** The commands a person runs in a directory, through a real FUSE mount of a real cluster (1 MiB chunks). */
@Timeout(600)
class EverydayCommandsIT {
    static MiniCluster cluster;
    static Mounted m;
    static Path work;

    @BeforeAll
    static void mount() throws Exception {
        Mounted.assumeFuse();
        cluster = MiniCluster.builder().datanodes(3).chunkSize(1 << 20).start();
        work = Files.createTempDirectory("cairn-mount-it-");
        m = Mounted.at(work.resolve("mnt"), cluster.masterUrl())
                .attrTimeout(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(30)).javaOpts("-Xmx128m").start();
    }

    @AfterAll
    static void unmount() throws Exception {
        try {
            if (m != null) {
                assertThat(m.stop()).as("SIGTERM unmounts and exits 0; stderr: %s", m.stderr()).isZero();
                assertThat(Mounted.isMounted(m.dir)).isFalse();
                m.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (work != null) {
                Shell.run(Path.of("/"), "rm -rf " + work);
            }
        }
    }

    private static Shell.Result ok(String command) throws Exception {
        return m.ok(command);
    }

    /** The output of a command once it satisfies {@code done}: for what the kernel caches for a while. */
    private static String awaitOut(String command, java.util.function.Predicate<String> done) {
        return Eventually.await("`" + command + "` shows it", Duration.ofSeconds(5), Duration.ofMillis(100),
                () -> ok(command).out(), done);
    }

    @Test
    void echoCatCpAndLsShowWhatWasWritten() throws Exception {
        ok("mkdir basics");
        ok("echo 'hello, cairn' > basics/hello.txt"); // echo asd > foo.txt
        assertThat(ok("cat basics/hello.txt").out()).isEqualTo("hello, cairn\n");
        ok("cp /etc/services basics/services && cmp /etc/services basics/services");
        assertThat(ok("ls -l basics").out()).contains("total").contains(" 13 ").contains("hello.txt")
                .contains(" " + Files.size(Path.of("/etc/services")) + " ").contains("services");
        assertThat(ok("stat -c '%F %a %s' basics/hello.txt").out().trim()).isEqualTo("regular file 644 13");
    }

    @Test
    void directoriesAreMadeMovedAndRemoved() throws Exception {
        ok("mkdir -p tree/a/b/c && echo x > tree/a/b/c/f && echo y > tree/y");
        ok("mv tree/a tree/z && test -f tree/z/b/c/f && test ! -e tree/a");
        ok("mv tree/y tree/z/b/c/f && cat tree/z/b/c/f | grep -qx y && test ! -e tree/y"); // over an existing file
        Shell.Result rmdir = m.sh("rmdir tree/z");
        assertThat(rmdir.exit()).isNotZero();
        assertThat(rmdir.err()).contains("Directory not empty");
        ok("rm -r tree && test ! -e tree");
    }

    @Test
    void symlinksAndHardLinksShareWhatTheyShouldShare() throws Exception {
        ok("mkdir links && cd links && echo data > target && ln -s target sym && ln target hard");
        assertThat(ok("readlink links/sym").out()).isEqualTo("target\n");
        assertThat(ok("cat links/sym").out()).isEqualTo("data\n");
        // use_ino: both names show the inode's number and its link count
        // (target's attributes are cached for the attribute timeout, 1 s: its count shows once that has passed)
        String hard = ok("stat -c '%h %i' links/hard").out();
        assertThat(hard).isEqualTo(awaitOut("stat -c '%h %i' links/target", hard::equals));
        assertThat(ok("stat -c %h links/target").out().trim()).isEqualTo("2");
        ok("rm links/hard");
        assertThat(awaitOut("stat -c %h links/target", out -> out.trim().equals("1")).trim()).isEqualTo("1");
    }

    @Test
    void chmodAndTouchDateSetModesAndTimesWithNanosecondsPast2038() throws Exception {
        ok("mkdir modes && touch modes/f && chmod 0640 modes/f");
        assertThat(ok("stat -c %a modes/f").out().trim()).isEqualTo("640");
        ok("touch -d '2100-01-02 03:04:05.123456789' modes/f");
        assertThat(ok("stat -c %y modes/f").out().trim()).isEqualTo("2100-01-02 03:04:05.123456789 +0000");
        ok("touch -d '1969-07-20 20:17:40' modes/f"); // before 1970 too
        assertThat(ok("stat -c '%x|%y' modes/f").out().trim())
                .isEqualTo("1969-07-20 20:17:40.000000000 +0000|1969-07-20 20:17:40.000000000 +0000");
        // (touch -a or -m alone never reaches the mount: libfuse 2.9 passes a time change on only when
        // both times change; see mount/README.md)
        ok("touch modes/f"); // UTIME_NOW: the master's clock (on this machine)
        long mtime = Long.parseLong(ok("stat -c %Y modes/f").out().trim());
        assertThat(mtime).isBetween(System.currentTimeMillis() / 1000 - 60, System.currentTimeMillis() / 1000 + 1);
    }

    @Test
    void truncateGrowsWithZerosAndShrinks() throws Exception {
        ok("printf 'abcdefgh' > trunc && truncate -s 4 trunc && truncate -s 6 trunc");
        assertThat(ok("od -An -c trunc").out().replaceAll("\\s+", " ").trim()).isEqualTo("a b c d \\0 \\0");
        ok("truncate -s 3000000 trunc && truncate -s 2 trunc");
        assertThat(ok("cat trunc").out()).isEqualTo("ab");
        ok("truncate -s 5M trunc");
        assertThat(ok("stat -c %s trunc").out().trim()).isEqualTo(Long.toString(5 << 20));
        assertThat(ok("tail -c +3 trunc | tr -d '\\000' | wc -c").out().trim()).isEqualTo("0"); // a hole reads as zeros
    }

    @Test
    void ddIntoTheMiddleOfAFileChangesOnlyThoseBytes() throws Exception {
        Path local = Data.randomFile(work.resolve("mid.bin"), 3 * (1 << 20) + 100, 7);
        Path patch = Data.randomFile(work.resolve("patch.bin"), 1_500_000, 8);
        ok("cp " + local + " mid.bin");
        // dd conv=notrunc seek= across two chunk boundaries, on the mount and on a local copy
        String dd = "dd if=" + patch + " of=%s bs=1000 seek=700 conv=notrunc status=none";
        ok(String.format(dd, "mid.bin"));
        Shell.run(work, String.format(dd, local));
        ok("cmp mid.bin " + local);
        assertThat(Files.size(m.dir.resolve("mid.bin"))).isEqualTo(Files.size(local));
    }

    @Test
    void aTarTreeExtractsIdenticallyAndCanBeRemoved() throws Exception {
        Path src = work.resolve("src");
        for (int d = 0; d < 4; d++) {
            Files.createDirectories(src.resolve("d" + d + "/sub"));
            for (int f = 0; f < 10; f++) {
                Data.randomFile(src.resolve("d" + d + "/f" + f), f * 211_003L, d * 100 + f); // 0 B .. ~1.9 MiB
            }
            Files.writeString(src.resolve("d" + d + "/sub/note.txt"), "note " + d);
            Files.createSymbolicLink(src.resolve("d" + d + "/link"), Path.of("f1"));
        }
        Shell.run(work, "chmod 0755 src/d0/f1 && ln src/d1/f2 src/d1/f2.hard && tar -cf src.tar src");
        ok("mkdir x && tar -xpf " + work.resolve("src.tar") + " -C x");
        ok("diff -r " + src + " x/src");
        assertThat(ok("stat -c %a x/src/d0/f1").out().trim()).isEqualTo("755");
        assertThat(ok("stat -c %i x/src/d1/f2").out()).isEqualTo(ok("stat -c %i x/src/d1/f2.hard").out());
        ok("rm -r x && test ! -e x");
    }

    @Test
    void aHundredMebibyteRandomFileHasTheSameMd5() throws Exception {
        Path local = Data.randomFile(work.resolve("r100"), 100L << 20, 99);
        ok("cp " + local + " r100");
        assertThat(ok("md5sum < r100").out()).isEqualTo(Shell.run(work, "md5sum < r100").out());
        ok("rm r100");
    }

    @Test
    void twoProcessesWritingDifferentFilesAtOnce() throws Exception {
        Path a = Data.randomFile(work.resolve("pa"), 7 << 20, 1);
        Path b = Data.randomFile(work.resolve("pb"), (5 << 20) + 3, 2);
        ok("cp " + a + " pa & cp " + b + " pb & wait");
        ok("cmp pa " + a + " && cmp pb " + b);
    }

    @Test
    void anUnlinkedOpenFileStaysReadableAndWritableUntilClosed() throws Exception {
        // libfuse hides it under a .fuse_hiddenNNN name that only the mount knows (the master keeps the file
        // nameless for the mount's session) and removes it at the last close: UnlinkedOpenFilesIT has more
        ok("python3 -c \"import os\n"
                + "f = os.open('victim', os.O_RDWR | os.O_CREAT, 0o644)\n"
                + "os.write(f, b'keep me')\n"
                + "os.unlink('victim')\n"
                + "assert not os.path.exists('victim')\n"
                + "os.write(f, b' and me')\n"
                + "assert os.pread(f, 100, 0) == b'keep me and me', os.pread(f, 100, 0)\n"
                + "os.close(f)\"");
        assertThat(ok("ls -a").out()).doesNotContain("victim").doesNotContain(".fuse_hidden");
    }

    @Test
    void openFlagsAppendExclusiveAndTruncate() throws Exception {
        ok("echo one > flags && echo two >> flags");
        assertThat(ok("cat flags").out()).isEqualTo("one\ntwo\n");
        Shell.Result excl = m.sh("python3 -c \"import os; os.open('flags', os.O_CREAT | os.O_EXCL | os.O_WRONLY)\"");
        assertThat(excl.exit()).isNotZero();
        assertThat(excl.err()).contains("FileExistsError");
        ok("echo three > flags");
        assertThat(ok("cat flags").out()).isEqualTo("three\n");
    }

    @Test
    void specialFilesAreMadeWithMkfifoAndMknod() throws Exception {
        ok("mkfifo fifo && test -p fifo");
        ok("mknod chr c 1 3 && test -c chr");
        assertThat(ok("stat -c '%F %t %T' chr").out().trim()).isEqualTo("character special file 1 3");
        ok("(echo through the pipe > fifo &) && cat fifo | grep -q 'through the pipe'");
        ok("rm fifo chr");
    }

    @Test
    void dfShowsTheClustersCapacity() throws Exception {
        String df = ok("df -B4096 --output=fstype,size . | tail -1").out().trim();
        long blocks = Long.parseLong(df.split("\\s+")[1]);
        long capacity = cluster.nodes().stream().mapToLong(n -> n.capacity()).sum();
        assertThat(df).startsWith("fuse.cairn");
        assertThat(blocks * 4096).isBetween(capacity - capacity / 50, capacity);
    }

    @Test
    void aLargeDirectoryIsListedWithItsAttributes() throws Exception {
        ok("mkdir many && cd many && for i in $(seq 1 300); do echo $i > f$i; done");
        Shell.Result ls = ok("ls -l many");
        assertThat(ls.out().lines().filter(l -> l.startsWith("-rw-r--r-- 1 root root")).count()).isEqualTo(300);
        ok("rm -r many");
    }

    @Test
    void whatIsNotSupportedSaysSo() throws Exception {
        ok("touch xa");
        // system.* names (POSIX ACLs: setfacl in XattrMountIT) and punching holes are not supported; user xattrs and
        // fallocate mode 0 are (XattrMountIT, LocalDiskBehaviourIT)
        Shell.Result set = m.sh("python3 -c \"import os; os.setxattr('xa', 'system.cairn', b'v')\"");
        assertThat(set.exit()).isNotZero();
        assertThat(set.err()).contains("Operation not supported");
        Shell.Result punch = m.sh("fallocate -p -o 0 -l 4096 xa");
        assertThat(punch.exit()).isNotZero();
        assertThat(punch.err()).contains("unsupported");
    }
}
