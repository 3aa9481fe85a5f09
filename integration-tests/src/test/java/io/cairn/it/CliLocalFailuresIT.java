package io.cairn.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A failure of the local machine (a full disk, a stream that cannot be written) is the operation
 * failing (exit 1, one line naming the local file and its cause), not "cannot reach the master"
 * (exit 2), and never a stack trace. Runs the real {@code bin/cairn} against a real cluster.
 */
@Timeout(300)
class CliLocalFailuresIT {
    static MiniCluster cluster;
    static Path work;
    static Path small;

    @BeforeAll
    static void start() throws Exception {
        cluster = MiniCluster.builder().datanodes(2).chunkSize(256 << 10).start();
        work = Files.createTempDirectory("cairn-cli-local-");
        Path big = Data.randomFile(work.resolve("big.bin"), 3 << 20, 11);
        assertThat(cairn("put", big.toString(), "/big.bin").exit()).isZero();
        // a disk of 1 MiB that a 3 MiB download fills: a tmpfs made for this test and removed after it
        small = work.resolve("small-disk");
        Files.createDirectories(small);
        Shell.Result mount = Shell.run(work, "mount -t tmpfs -o size=1m cairn-test-full " + small);
        assumeTrue(mount.exit() == 0, "cannot mount a tmpfs here (not root?): " + mount.err());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (small != null) {
                Shell.run(work, "mountpoint -q " + small + " && umount " + small);
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

    private static Proc.Result cairn(String sub, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = sub;
        all[1] = "--master=" + cluster.masterUrl();
        System.arraycopy(args, 0, all, 2, args.length);
        return Proc.run(work, Map.of("CAIRN_TOKEN_FILE", cluster.adminTokenFile().toString()), Duration.ofSeconds(120), all);
    }

    /** The environment assignment that gives a shell command the cluster's admin token. */
    private static String token() {
        return "CAIRN_TOKEN_FILE=" + cluster.adminTokenFile() + " ";
    }

    @Test
    void aDownloadThatFillsTheLocalDiskFailsWithExitOneAndNamesTheDisksError() throws Exception {
        Proc.Result r = cairn("get", "/big.bin", small.resolve("copy.bin").toString());
        assertThat(r.exit()).as(r.stderr()).isEqualTo(1);
        assertThat(r.stderr().strip()).doesNotContain("\n").doesNotContain("Exception").doesNotContain("cannot reach")
                .startsWith("cairn get: ").contains(small.toString()).contains("No space left on device");
        try (Stream<Path> left = Files.list(small)) {
            assertThat(left).as("no partial download is left behind").isEmpty();
        }
    }

    @Test
    void aDownloadToAFullStandardOutputFailsWithExitOne() throws Exception {
        // cairn get /big.bin - > /dev/full; cairn cat /big.bin > /dev/full
        for (String cmd : new String[] {"get /big.bin -", "cat /big.bin"}) {
            Shell.Result r = Shell.run(work, token() + Proc.cairn() + " " + cmd.replace(" /", " --master=" + cluster.masterUrl() + " /")
                    + " > /dev/full");
            assertThat(r.exit()).as(cmd + ": " + r.err()).isEqualTo(1);
            assertThat(r.err().strip()).as(cmd).doesNotContain("\n").doesNotContain("Exception")
                    .doesNotContain("cannot reach").contains("standard output").contains("No space left on device");
        }
        // cairn ls / > /dev/full: text output fails as well, not silently
        Shell.Result ls = Shell.run(work, token() + Proc.cairn() + " ls --master=" + cluster.masterUrl() + " / > /dev/full");
        assertThat(ls.exit()).as(ls.err()).isEqualTo(1);
        assertThat(ls.err().strip()).doesNotContain("\n").contains("standard output");
    }

    @Test
    void aTransportFailureStillSaysTheMasterCannotBeReached() throws Exception {
        Proc.Result r = Proc.run(work, Map.of(), Duration.ofSeconds(60), "get", "--master=http://127.0.0.1:9",
                "--timeout=2s", "/big.bin", work.resolve("x").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("cannot reach http://127.0.0.1:9");
    }
}
