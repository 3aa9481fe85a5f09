package io.cairn.it.mount;

import io.cairn.common.client.Cluster;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Limits;
import io.cairn.it.MiniCluster;
import io.cairn.testing.Budget;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random writes through the mount move their bytes, not their chunks: a 4 KiB write into a 4 MiB
 * chunk uploads a slice of about 4 KiB to each replica (the growth of the mount's {@code wchar} in
 * {@code /proc/PID/io}, and of the datanodes' disks), and never fetches the old chunk. Under many
 * random writes of random sizes with an fsync every 100, the file holds what a local file holds
 * (through this mount and a fresh one), and the slices over any chunk stay bounded: the mount
 * compacts a chunk once {@link Limits#COMPACT_AT} lie over it. {@code bin/test --long} runs
 * 100,000 writes instead of 5,000.
 */
@Timeout(900)
class RandomWritesIT {
    private static final int CHUNK = 4 << 20;
    private static final int CHUNKS = 16;
    private static final int WRITE = 4096;
    @TempDir
    Path tmp;

    @Test
    void aRandomWriteMovesItsBytesNotItsChunkAndManyLeaveTheFileRightWithFewSlices() throws Exception {
        Mounted.assumeFuse();
        try (MiniCluster mc = MiniCluster.builder().datanodes(3).replication(2).chunkSize(CHUNK).start()) {
            Cluster c = mc.client();
            byte[] model = new byte[CHUNKS * CHUNK];
            new Random(23).nextBytes(model);
            Attr f = c.master().create("/f", FileType.FILE, 0644, 0, 0, null, true);
            c.uploader(2).upload(f.inode(), CHUNK, new ByteArrayInputStream(model), n -> { });
            List<String> original = c.master().layout(f.inode(), 0, 4096).chunks().stream().map(ChunkRef::id).toList();

            try (Mounted m = Mounted.at(tmp.resolve("mnt"), mc.masterUrl()).start()) {
                Path file = m.dir.resolve("f");
                Random r = new Random(29);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    write(ch, 0, new byte[WRITE], model); // the code on this path is loaded
                    ch.force(true);
                    long wrote = wchar(m);
                    long read = rchar(m);
                    long disk = datanodeBytes(mc);
                    int n = 200; // about 12 per chunk: no compaction yet
                    for (int i = 1; i <= n; i++) {
                        byte[] b = new byte[WRITE];
                        r.nextBytes(b);
                        write(ch, (long) r.nextInt(CHUNKS * CHUNK / WRITE) * WRITE, b, model);
                        if (i % 100 == 0) {
                            ch.force(true);
                        }
                    }
                    long sent = wchar(m) - wrote;
                    long got = rchar(m) - read;
                    long grew = datanodeBytes(mc) - disk;
                    System.out.printf("RandomWritesIT: %d random 4 KiB writes and 2 fsyncs: the mount sent %d bytes"
                            + " (%.1f KiB a write, R=2), read %d (%.1f KiB a write); the datanodes' disks grew %d bytes%n",
                            n, sent, sent / 1024.0 / n, got, got / 1024.0 / n, grew);
                    // a slice of 4 KiB on each of 2 replicas, and the calls around it; whole chunks would be 8 MiB a write
                    assertThat(sent / n).as("bytes the mount sent per random 4 KiB write").isLessThan(2 * 64 * 1024);
                    assertThat(got / n).as("bytes the mount read per random 4 KiB write (no old chunk fetched)")
                            .isLessThan(64 * 1024);
                    assertThat(grew / n).as("datanode disk per random 4 KiB write").isLessThan(2 * 64 * 1024);
                    assertThat(read(ch, 0, model.length)).isEqualTo(model);

                    int writes = Budget.of(5_000, 100_000);
                    long t0 = System.nanoTime();
                    for (int i = 1; i <= writes; i++) {
                        int len = 1 + r.nextInt(2 * WRITE);
                        byte[] b = new byte[len];
                        r.nextBytes(b);
                        write(ch, r.nextInt(model.length - len), b, model);
                        if (i % 100 == 0) {
                            ch.force(true);
                        }
                    }
                    ch.force(true);
                    System.out.printf("RandomWritesIT: %d random writes of 1 B to 8 KiB, an fsync every 100, in %.1f s%n",
                            writes, (System.nanoTime() - t0) / 1e9);
                    assertThat(read(ch, 0, model.length)).as("the file through this mount").isEqualTo(model);
                }
                List<ChunkRef> now = Eventually.await("compactions have caught up", Duration.ofSeconds(60),
                        () -> c.master().layout(f.inode(), 0, 4096).chunks(),
                        l -> l.stream().allMatch(x -> x.sliceList().size() < 2 * Limits.COMPACT_AT));
                int slices = now.stream().mapToInt(x -> x.sliceList().size()).sum();
                long compacted = now.stream().filter(x -> !original.contains(x.id())).count();
                System.out.printf("RandomWritesIT: afterwards %d chunk rows and %d slice rows; %d of %d chunks rewritten%n",
                        now.size(), slices, compacted, CHUNKS);
                assertThat(now).hasSize(CHUNKS);
                assertThat(compacted).as("chunks compacted").isPositive();
                assertThat(slices).as("slices over the whole file").isLessThanOrEqualTo(CHUNKS * 2 * Limits.COMPACT_AT);
            }
            try (Mounted m = Mounted.at(tmp.resolve("mnt2"), mc.masterUrl()).start();
                 FileChannel ch = FileChannel.open(m.dir.resolve("f"), StandardOpenOption.READ)) {
                assertThat(read(ch, 0, model.length)).as("the file through a fresh mount").isEqualTo(model);
            }
        }
    }

    private static void write(FileChannel ch, long off, byte[] b, byte[] model) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            ch.write(buf, off + buf.position());
        }
        System.arraycopy(b, 0, model, (int) off, b.length);
    }

    private static byte[] read(FileChannel ch, long off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        while (buf.hasRemaining() && ch.read(buf, off + buf.position()) >= 0) {
            // until full or at the end
        }
        return Arrays.copyOf(buf.array(), buf.position());
    }

    private static long datanodeBytes(MiniCluster mc) throws IOException {
        long total = 0;
        for (int i = 0; i < mc.size(); i++) {
            try (Stream<Path> s = Files.walk(mc.datanodeDir(i).resolve("chunks"))) {
                total += s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
        }
        return total;
    }

    private static long wchar(Mounted m) throws IOException {
        return io(m, "wchar:");
    }

    private static long rchar(Mounted m) throws IOException {
        return io(m, "rchar:");
    }

    private static long io(Mounted m, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(m.pid()), "io"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim());
            }
        }
        throw new AssertionError("no " + key + " for " + m.pid());
    }
}
