package io.cairn.it.mount;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Files unlinked (or renamed over) while open, through a real mount (libfuse's hiding rename turned
 * into an unlink the master keeps for the mount's session): no {@code .fuse_hidden*} name, the directory that held them can be removed,
 * the open descriptor keeps reading and writing, and the master drops the file and its chunks at the
 * last close, or when the mount that held it dies and its session lapses. Each check of "gone" asks
 * the master for the inode and counts the chunk files on the datanodes' disks.
 */
@Timeout(300)
class UnlinkedOpenFilesIT {
    static final Duration TTL = Duration.ofSeconds(4);
    static MiniCluster cluster;
    static Mounted m;
    static Path work;

    @BeforeAll
    static void mount() throws Exception {
        Mounted.assumeFuse();
        cluster = MiniCluster.builder().datanodes(3).chunkSize(1 << 20).sessionTtl(TTL)
                .gcGrace(Duration.ofMillis(200)).start();
        work = Files.createTempDirectory("cairn-unlinked-");
        m = mount("mnt");
    }

    static Mounted mount(String name) throws Exception {
        return Mounted.at(work.resolve(name), cluster.masterUrl()).attrTimeout(Duration.ofSeconds(1))
                .timeout(Duration.ofSeconds(30)).javaOpts("-Xmx128m").start();
    }

    @AfterAll
    static void unmount() throws Exception {
        try (AutoCloseable x = m) {
            if (m != null) {
                assertThat(m.stop()).as("SIGTERM unmounts and exits 0; stderr: %s", m.stderr()).isZero();
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

    private static int chunkFiles() {
        int n = 0;
        for (int i = 0; i < cluster.size(); i++) {
            n += cluster.chunkFiles(i).size();
        }
        return n;
    }

    /** The master no longer has {@code inode}, and the datanodes' disks are back to {@code chunks} chunk files. */
    private static void awaitGone(long inode, int chunks, Duration within) {
        Eventually.await("inode " + inode + " is gone from the master", within, Duration.ofMillis(50), () -> {
            try {
                cluster.client().master().attr(inode);
                return false;
            } catch (CairnException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.ENOENT);
                return true;
            }
        }, gone -> gone);
        Eventually.await("its chunks are deleted from the datanodes' disks", Duration.ofSeconds(30),
                Duration.ofMillis(100), UnlinkedOpenFilesIT::chunkFiles, n -> n <= chunks);
    }

    private static Process start(Path dir, String name, String script) throws Exception {
        Files.writeString(work.resolve(name + ".py"), script);
        return new ProcessBuilder("python3", work.resolve(name + ".py").toString()).directory(dir.toFile())
                .redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile()).start();
    }

    private static String out(String name) throws Exception {
        return Files.readString(work.resolve(name + ".out"));
    }

    private static String err(String name) throws Exception {
        return Files.readString(work.resolve(name + ".err"));
    }

    private static void awaitFile(Path f, Process p, String name) {
        Eventually.await(f + " appears", Duration.ofSeconds(30), Duration.ofMillis(20), () -> {
            assertThat(p.isAlive()).as("%s is alive: %s", name, Files.exists(work.resolve(name + ".err")) ? err(name) : "")
                    .isTrue();
            return Files.exists(f);
        }, there -> there);
    }

    /**
     * A process holds a 3 MiB file open, unlinks it and goes on; meanwhile its directory shows no
     * trace of it and is removed, and the file stays whole through the descriptor.
     */
    @Test
    void anUnlinkedOpenFileLeavesNoHiddenNameAndGoesAtItsLastClose() throws Exception {
        int before = chunkFiles();
        m.ok("mkdir held && head -c 3145728 /dev/urandom > held/victim && md5sum < held/victim > " + work.resolve("sum"));
        Path ready = work.resolve("victim-ready");
        Path go = work.resolve("victim-go");
        Process p = start(m.dir, "victim", String.join("\n",
                "import os, time, hashlib",
                "f = os.open('held/victim', os.O_RDWR)",
                "os.unlink('held/victim')",
                "st = os.fstat(f)",
                "print('nlink', st.st_nlink, 'size', st.st_size, 'ino', st.st_ino)",
                "open('" + ready + "', 'w').close()",
                "while not os.path.exists('" + go + "'): time.sleep(0.02)",
                "data = os.pread(f, 4 << 20, 0)",
                "print('md5', hashlib.md5(data).hexdigest())",
                "os.pwrite(f, b'appended', len(data))",
                "os.fsync(f)",
                "print('tail', os.pread(f, 100, len(data)).decode())",
                "try:",
                "    os.fstat(f)", // libfuse 2.9 can no longer name a file whose directory went, and asks no handle
                "    print('fstat answered')",
                "except FileNotFoundError:",
                "    print('fstat ENOENT')",
                "os.close(f)",
                "print('closed')", ""));
        try {
            awaitFile(ready, p, "victim");
            assertThat(m.ok("ls -a held").out()).as("no .fuse_hidden name").isEqualTo(".\n..\n");
            m.ok("rmdir held");
            assertThat(m.sh("test -e held").exit()).isNotZero();
            long inode = Long.parseLong(out("victim").trim().split(" ")[5]);
            assertThat(cluster.client().master().attr(inode).nlink()).as("kept, nameless").isZero();
            Files.writeString(go, "");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(err("victim")).isZero();
            String sum = Files.readString(work.resolve("sum")).split(" ")[0];
            assertThat(out("victim")).isEqualTo("nlink 0 size 3145728 ino " + inode + "\nmd5 " + sum + "\n"
                    + "tail appended\nfstat ENOENT\nclosed\n");
            awaitGone(inode, before, Duration.ofSeconds(10));
        } finally {
            p.destroyForcibly();
        }
    }

    /** {@code mv new old} over a file a process has open: the process goes on reading the old bytes. */
    @Test
    void aFileRenamedOverWhileOpenStaysReadableUntilClosed() throws Exception {
        m.ok("mkdir over && echo old > over/f && echo new > over/n");
        Path ready = work.resolve("over-ready");
        Path go = work.resolve("over-go");
        Process p = start(m.dir, "over", String.join("\n",
                "import os, time",
                "f = os.open('over/f', os.O_RDONLY)",
                "print(os.fstat(f).st_ino)",
                "open('" + ready + "', 'w').close()",
                "while not os.path.exists('" + go + "'): time.sleep(0.02)",
                "print(os.pread(f, 100, 0).decode(), end='')",
                "print('nlink', os.fstat(f).st_nlink)",
                "os.close(f)", ""));
        try {
            awaitFile(ready, p, "over");
            m.ok("mv over/n over/f");
            assertThat(m.ok("cat over/f").out()).isEqualTo("new\n");
            assertThat(m.ok("ls -a over").out()).isEqualTo(".\n..\nf\n");
            Files.writeString(go, "");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(err("over")).isZero();
            String[] lines = out("over").split("\n");
            assertThat(lines).containsExactly(lines[0], "old", "nlink 0");
            awaitGone(Long.parseLong(lines[0]), Integer.MAX_VALUE, Duration.ofSeconds(10));
        } finally {
            p.destroyForcibly();
        }
    }

    /** Removing one name of a hard-linked open file keeps the inode by its other name, as ever. */
    @Test
    void unlinkingOneOfTwoNamesOfAnOpenFileKeepsTheOther() throws Exception {
        m.ok("echo both > linked && ln linked linked2");
        m.ok("python3 -c \"import os\n"
                + "f = os.open('linked', os.O_RDWR)\n"
                + "os.unlink('linked')\n"
                + "os.pwrite(f, b'BOTH', 0)\n"
                + "os.close(f)\"");
        assertThat(m.ok("cat linked2").out()).isEqualTo("BOTH\n");
        // the kernel keeps the other name's attributes for --attr-timeout (one kernel inode per name in libfuse 2.9)
        Eventually.await("linked2 shows one link", Duration.ofSeconds(5), Duration.ofMillis(100),
                () -> m.ok("stat -c %h linked2").out().trim(), "1"::equals);
        m.ok("rm linked2");
    }

    /** A mount killed while it holds an unlinked file open: the master drops the file once the mount's session lapses. */
    @Test
    void theUnlinkedFilesOfAKilledMountGoWhenItsSessionLapses() throws Exception {
        int before = chunkFiles();
        Mounted doomed = mount("doomed");
        Process p = null;
        try {
            doomed.ok("head -c 2097152 /dev/urandom > orphan");
            Path ready = work.resolve("orphan-ready");
            p = start(doomed.dir, "orphan", String.join("\n",
                    "import os, time",
                    "f = os.open('orphan', os.O_RDONLY)",
                    "os.unlink('orphan')",
                    "print(os.fstat(f).st_ino)",
                    "open('" + ready + "', 'w').close()",
                    "time.sleep(600)", ""));
            awaitFile(ready, p, "orphan");
            long inode = Long.parseLong(out("orphan").trim());
            assertThat(cluster.client().master().attr(inode).nlink()).isZero();
            Shell.run(Path.of("/"), "kill -9 " + doomed.pid());
            long t0 = System.nanoTime();
            awaitGone(inode, before, TTL.plusSeconds(10));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("UnlinkedOpenFilesIT: a killed mount's unlinked open file went after %d ms"
                    + " (session lifetime %d ms)%n", ms, TTL.toMillis());
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
            doomed.close();
        }
    }

    /** The master refuses a release that names no session, and a session id that is not one. */
    @Test
    void aReleaseWithoutAValidSessionIsRefused() {
        assertThatThrownBy(() -> cluster.client().master().release("not-a-session", 1))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL));
        assertThatThrownBy(() -> cluster.client().master().unlink("/nothing-here", "0".repeat(31) + "g"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL));
    }
}
