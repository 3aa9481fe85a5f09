package io.cairn.it.mount;

import io.cairn.common.client.Cluster;
import io.cairn.it.MiniCluster;
import io.cairn.testing.Budget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shared writable mmap through the mount. libfuse 2 delivers msync(MS_SYNC) as an fsync of the
 * file (the kernel first writes the dirty pages back as writes), so msync commits the pages and
 * reports a failure; pages written but never msynced are committed at the last release, where a
 * failure can only be logged. The writer here is a small python3 program (python3 is on every
 * Debian, and {@code bin/install-deps --for-tests} installs it where it is not) driven line by line.
 */
@Timeout(300)
class MmapIT {
    /** The mmap writer: reads commands on stdin, answers each with one line on stdout. */
    private static final String WRITER = String.join("\n",
            "import mmap, os, sys",
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)",
            "os.ftruncate(fd, int(sys.argv[2]))",
            "m = mmap.mmap(fd, int(sys.argv[2]), mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)",
            "os.close(fd)  # the mapping outlives the descriptor, as in most mmap writers",
            "for line in sys.stdin:",
            "    cmd = line.split()",
            "    try:",
            "        if cmd[0] == 'w':",
            "            m[int(cmd[1]):int(cmd[1]) + len(cmd[2])] = cmd[2].encode()",
            "        elif cmd[0] == 'msync':",
            "            m.flush()  # msync(MS_SYNC)",
            "        elif cmd[0] == 'unmap':",
            "            m.close()",
            "        print('ok', flush=True)",
            "    except OSError as e:",
            "        print('error', e.errno, e.strerror, flush=True)",
            "");

    @TempDir
    Path tmp;
    private MiniCluster cluster;
    private Mounted mnt;
    private Process writer;

    @AfterEach
    void stop() throws Exception {
        try {
            if (writer != null) {
                writer.destroyForcibly();
                writer.waitFor(10, TimeUnit.SECONDS);
            }
            if (mnt != null) {
                mnt.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private Writer start(Path file, long size) throws Exception {
        Path script = tmp.resolve("mmap_writer.py");
        Files.writeString(script, WRITER);
        writer = new ProcessBuilder("python3", script.toString(), file.toString(), Long.toString(size))
                .redirectError(tmp.resolve("writer.err").toFile()).start();
        return new OutputStreamWriter(writer.getOutputStream(), StandardCharsets.UTF_8);
    }

    private String ask(Writer in, BufferedReader out, String command) throws Exception {
        in.write(command + "\n");
        in.flush();
        String answer = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                return "io " + e;
            }
        }).get(120, TimeUnit.SECONDS);
        return answer + (answer == null ? " (writer stderr: " + Files.readString(tmp.resolve("writer.err")) + ")" : "");
    }

    /** The file's bytes as the cluster has them (what any other client or mount reads). */
    private byte[] committed(String path) throws Exception {
        Cluster client = cluster.client();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.downloader(1).download(client.master().attr(path).inode(), out, n -> { });
        return out.toByteArray();
    }

    @Test
    void msyncCommitsTheWrittenPagesAndReportsAFailureUntilTheClusterIsBack() throws Exception {
        Mounted.assumeFuse();
        cluster = MiniCluster.builder().datanodes(2).chunkSize(1 << 20).start();
        mnt = Mounted.at(tmp.resolve("mnt"), cluster.masterUrl()).timeout(Duration.ofSeconds(5)).start();
        long size = 3 << 20;
        Writer in = start(mnt.dir.resolve("m"), size);
        BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));

        assertThat(ask(in, out, "w 0 hello")).isEqualTo("ok");
        assertThat(ask(in, out, "w " + ((1 << 20) + 7) + " world")).isEqualTo("ok");
        assertThat(ask(in, out, "msync")).isEqualTo("ok");
        byte[] first = committed("/m"); // still mapped: committed by the msync alone
        assertThat(first).hasSize((int) size);
        assertThat(new String(first, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat(new String(first, (1 << 20) + 7, 5, StandardCharsets.US_ASCII)).isEqualTo("world");

        String failed = null;
        int rounds = Budget.of(1, 5);
        for (int round = 0; round < rounds; round++) {
            // every datanode cut off: the next msync must say so, not return 0
            long at = (2L << 20) + 16L * round;
            String word = "again" + round;
            cluster.block(0);
            cluster.block(1);
            assertThat(ask(in, out, "w " + at + " " + word)).isEqualTo("ok");
            failed = ask(in, out, "msync");
            assertThat(failed).as("msync with no datanode reachable").startsWith("error");
            if (round == 0) {
                long inode = cluster.client().master().attr("/m").inode();
                assertThat(cluster.client().master().layout(inode, 2, 1).chunks())
                        .as("no chunk committed for the failed pages").noneMatch(c -> c.index() == 2);
            }

            cluster.unblock(0);
            cluster.unblock(1);
            assertThat(ask(in, out, "msync")).as("the pages were kept: a later msync commits them").isEqualTo("ok");
            assertThat(new String(committed("/m"), (int) at, word.length(), StandardCharsets.US_ASCII)).isEqualTo(word);
        }
        assertThat(ask(in, out, "unmap")).isEqualTo("ok");
        System.out.println("msync failed while the datanodes were cut off with: " + failed);
    }
}
