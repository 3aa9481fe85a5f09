package io.cairn.it.mount;

import io.cairn.it.MiniCluster;
import io.cairn.it.Shell;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Close-to-open between two mounts of one cluster (as between two machines). */
@Timeout(300)
class TwoMountsIT {
    static MiniCluster cluster;
    static Mounted first;
    static Mounted second;
    static Path work;

    @BeforeAll
    static void mountTwice() throws Exception {
        Mounted.assumeFuse();
        cluster = MiniCluster.builder().datanodes(3).chunkSize(1 << 20).start();
        work = Files.createTempDirectory("cairn-two-mounts-");
        first = Mounted.at(work.resolve("first"), cluster.masterUrl())
                .attrTimeout(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(30)).javaOpts("-Xmx128m").start();
        second = Mounted.at(work.resolve("second"), cluster.masterUrl()).attrTimeout(Duration.ZERO) // no caching at all
                .timeout(Duration.ofSeconds(30)).javaOpts("-Xmx128m").start();
    }

    @AfterAll
    static void unmount() throws Exception {
        try (AutoCloseable a = first; AutoCloseable b = second) {
            if (first != null) {
                assertThat(first.stop()).isZero();
            }
            if (second != null) {
                assertThat(second.stop()).isZero();
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

    @Test
    void theSecondMountReadsWhatTheFirstWroteOnceItIsClosed() throws Exception {
        first.ok("echo 'from the first mount' > shared.txt");
        assertThat(second.ok("cat shared.txt").out()).isEqualTo("from the first mount\n");
        second.ok("echo 'changed on the second' > shared.txt");
        // once the first mount's attribute timeout (1 s) has passed, it sees the new content
        Eventually.await("the first mount shows the change", Duration.ofSeconds(5), Duration.ofMillis(100),
                () -> first.sh("cat shared.txt").out(), "changed on the second\n"::equals);
        assertThat(first.ok("cat shared.txt").out()).isEqualTo("changed on the second\n");
    }

    @Test
    void writesStayOnTheWritingMountUntilClose() throws Exception {
        first.ok("echo old > pending.txt");
        // a writer process that keeps the file open until told to close it (not this JVM: every child
        // process it starts would inherit the descriptor, and each close of a copy is a flush)
        Path ready = work.resolve("ready");
        Path go = work.resolve("go");
        Process writer = new ProcessBuilder("python3", "-c", "import os, time\n"
                + "f = os.open('pending.txt', os.O_WRONLY)\n"
                + "os.write(f, b'new content, still open')\n"
                + "open('" + ready + "', 'w').close()\n"
                + "while not os.path.exists('" + go + "'): time.sleep(0.02)\n"
                + "os.close(f)\n").directory(first.dir.toFile()).inheritIO().start();
        try {
            Eventually.await("the writer has written", Duration.ofSeconds(30), Duration.ofMillis(20), () -> {
                assertThat(writer.isAlive()).as("the writer is writing").isTrue();
                return Files.exists(ready);
            }, written -> written);
            assertThat(first.ok("cat pending.txt").out()).isEqualTo("new content, still open"); // same mount: at once
            assertThat(second.ok("cat pending.txt").out()).isEqualTo("old\n"); // another mount: not before close
            Files.writeString(go, "");
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(writer.exitValue()).isZero();
        } finally {
            writer.destroyForcibly();
        }
        assertThat(second.ok("cat pending.txt").out()).isEqualTo("new content, still open");
    }

    @Test
    void whenBothMountsWriteOneFileTheLastCloseWins() throws Exception {
        first.ok("touch race.txt");
        RandomAccessFile a = new RandomAccessFile(first.dir.resolve("race.txt").toFile(), "rw");
        RandomAccessFile b = new RandomAccessFile(second.dir.resolve("race.txt").toFile(), "rw");
        a.write("AAAA from the first".getBytes(StandardCharsets.UTF_8));
        b.write("BB from the second".getBytes(StandardCharsets.UTF_8));
        a.close();
        b.close();
        assertThat(second.ok("cat race.txt").out()).isEqualTo("BB from the second");
    }

    @Test
    void aBigFileWrittenOnOneMountReadsBackOnTheOther() throws Exception {
        first.ok("head -c 7340035 /dev/urandom > big.bin && md5sum < big.bin > " + work.resolve("big.md5"));
        assertThat(second.ok("md5sum < big.bin").out()).isEqualTo(Files.readString(work.resolve("big.md5")));
    }
}
