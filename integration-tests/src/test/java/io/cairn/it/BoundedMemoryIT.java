package io.cairn.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Streaming everywhere: a 256 MiB put and get with every process (master, datanodes, client) at -Xmx64m. */
@Timeout(600)
class BoundedMemoryIT {
    @TempDir
    Path tmp;

    @Test
    void a256MiBFileGoesUpAndDownWithEveryProcessAt64MiBOfHeap() throws Exception {
        long size = Long.getLong("cairn.memtest.bytes", 256L << 20);
        Path src = Data.randomFile(tmp.resolve("big.bin"), size, 42);
        try (ProcessCluster cluster = new ProcessCluster(tmp.resolve("cluster"), "-Xmx64m", 3)) {
            long t0 = System.nanoTime();
            Proc.Result put = cluster.cli(Duration.ofMinutes(5), "put", src.toString(), "/big.bin");
            long t1 = System.nanoTime();
            assertThat(put.exit()).as(put.stderr()).isZero();
            Path copy = tmp.resolve("copy.bin");
            Proc.Result get = cluster.cli(Duration.ofMinutes(5), "get", "/big.bin", copy.toString());
            long t2 = System.nanoTime();
            assertThat(get.exit()).as(get.stderr()).isZero();
            assertThat(Files.size(copy)).isEqualTo(size);
            assertThat(Data.sha256(copy)).isEqualTo(Data.sha256(src));
            System.out.printf("bounded memory: %d MiB at -Xmx64m: put %.1f s (%.0f MiB/s), get %.1f s (%.0f MiB/s)%n",
                    size >> 20, (t1 - t0) / 1e9, (size >> 20) / ((t1 - t0) / 1e9), (t2 - t1) / 1e9,
                    (size >> 20) / ((t2 - t1) / 1e9));
            assertThat(cluster.master().isAlive()).isTrue();
            for (int i = 0; i < 3; i++) {
                assertThat(cluster.datanode(i).isAlive()).as("datanode %d survived at 64 MiB of heap", i).isTrue();
            }
        }
    }
}
