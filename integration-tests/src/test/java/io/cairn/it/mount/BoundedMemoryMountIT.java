package io.cairn.it.mount;

import io.cairn.it.MiniCluster;
import io.cairn.it.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Copying a file much larger than the mount's heap in and out keeps its memory bounded. */
@Timeout(600)
class BoundedMemoryMountIT {
    private static final long SIZE_MIB = 768;
    /** The bound for a 4 GiB copy; a smaller copy must meet it too. */
    private static final long MAX_RSS_KIB = 300 * 1024;

    @Test
    void copyingA768MiBFileInAndOutStaysUnder300MiBOfResidentMemory() throws Exception {
        Mounted.assumeFuse();
        Path work = Files.createTempDirectory("cairn-mount-mem-");
        try (MiniCluster cluster = MiniCluster.builder().datanodes(3).chunkSize(4 << 20).start();
             Mounted m = Mounted.at(work.resolve("mnt"), cluster.masterUrl())
                     .attrTimeout(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(30)).javaOpts("-Xmx128m").start()) {
            long t0 = System.nanoTime();
            m.ok("dd if=/dev/zero of=big bs=1M count=" + SIZE_MIB + " conv=fsync status=none");
            long written = System.nanoTime();
            String sum = m.ok("md5sum < big").out();
            long read = System.nanoTime();
            assertThat(sum).isEqualTo(Shell.run(work, "head -c " + SIZE_MIB + "M /dev/zero | md5sum").out());
            long rss = m.peakRssKiB();
            System.out.printf("mount memory: %d MiB written at %.0f MB/s, read at %.0f MB/s, peak RSS %d MiB%n",
                    SIZE_MIB, mbps(written - t0), mbps(read - written), rss / 1024);
            assertThat(rss).as("peak RSS in KiB").isLessThan(MAX_RSS_KIB);
            assertThat(m.stop()).isZero();
        } finally {
            Shell.run(Path.of("/"), "rm -rf " + work);
        }
    }

    private static double mbps(long nanos) {
        return SIZE_MIB * 1.048576 / (nanos / 1e9);
    }
}
