package io.cairn.it.mount;

import io.cairn.common.wire.Limits;
import io.cairn.it.MiniCluster;
import io.cairn.it.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sizes and offsets past Cairn's largest file ({@link Limits#MAX_FILE_SIZE}, 2^60 bytes) through the
 * mount: truncate, ftruncate and a write there fail with EFBIG ("File too large"), and the file
 * keeps every byte it had, as another client reads it.
 */
@Timeout(300)
class FileSizeLimitIT {
    static MiniCluster cluster;
    static Mounted mnt;

    @BeforeAll
    static void mount() throws Exception {
        Mounted.assumeFuse();
        cluster = MiniCluster.builder().datanodes(2).chunkSize(1 << 20).start();
        mnt = Mounted.at(Files.createTempDirectory("cairn-size-").resolve("mnt"), cluster.masterUrl())
                .attrTimeout(Duration.ZERO).start();
    }

    @AfterAll
    static void unmount() throws Exception {
        try {
            if (mnt != null) {
                mnt.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** The file as a fresh reader (the CLI's client, not this mount) sees it. */
    private static String content(String path) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        var client = cluster.client();
        client.downloader(1).download(client.master().attr(path).inode(), out, n -> { });
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void truncatePastTheLargestFileIsEfbigAndTheFileKeepsItsBytes() throws Exception {
        mnt.ok("printf 'twelve bytes' > t");
        // truncate -s 9223372036854775807 t
        Shell.Result r = mnt.sh("truncate -s 9223372036854775807 t");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("File too large");
        r = mnt.sh("truncate -s " + (Limits.MAX_FILE_SIZE + 1) + " t");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("File too large");
        assertThat(mnt.ok("stat -c %s t").out().trim()).isEqualTo("12");
        assertThat(mnt.ok("cat t").out()).isEqualTo("twelve bytes");
        assertThat(content("/t")).isEqualTo("twelve bytes");
    }

    @Test
    void ftruncateAndAWritePastTheLargestFileAreEfbigAndTheFileKeepsItsBytes() throws Exception {
        mnt.ok("printf 'twelve bytes' > w");
        String py = "import errno, os\n"
                + "fd = os.open('w', os.O_RDWR)\n"
                + "for what, call in (('ftruncate', lambda: os.ftruncate(fd, 2**63 - 1)),\n"
                + "                   ('pwrite', lambda: os.pwrite(fd, b'x', 2**62)),\n"
                + "                   ('pwrite-at-the-end', lambda: os.pwrite(fd, b'xyz', " + Limits.MAX_FILE_SIZE + "))):\n"
                + "    try:\n"
                + "        call()\n"
                + "        print(what, 'ok')\n"
                + "    except OSError as e:\n"
                + "        print(what, errno.errorcode[e.errno])\n"
                + "os.close(fd)\n";
        Path script = mnt.dir.getParent().resolve("huge.py");
        Files.writeString(script, py);
        Shell.Result r = mnt.ok("python3 " + script);
        assertThat(r.out()).isEqualTo("ftruncate EFBIG\npwrite EFBIG\npwrite-at-the-end EFBIG\n");
        assertThat(mnt.ok("stat -c %s w").out().trim()).isEqualTo("12");
        assertThat(content("/w")).isEqualTo("twelve bytes");
        // across the limit, only what fits is written (POSIX): one byte, the largest file's last
        assertThat(mnt.ok("python3 -c \"import os; fd = os.open('w', os.O_RDWR); print(os.pwrite(fd, b'xyz', "
                + (Limits.MAX_FILE_SIZE - 1) + ")); os.close(fd)\"").out().trim()).isEqualTo("1");
        assertThat(mnt.ok("stat -c %s w").out().trim()).isEqualTo(Long.toString(Limits.MAX_FILE_SIZE));
        mnt.ok("truncate -s 12 w");
        assertThat(content("/w")).isEqualTo("twelve bytes");
    }
}
