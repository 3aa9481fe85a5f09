package io.cairn.it.mount;

import com.sun.nio.file.ExtendedOpenOption;
import io.cairn.common.checksum.BlockSums;
import io.cairn.common.client.Cluster;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.it.MiniCluster;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Random reads through the mount move the 64 KiB blocks they touch, not whole chunks, and every
 * block is verified: a damaged block on one replica is read around (and reported, so the master
 * replaces that copy), and a block damaged on every replica is an I/O error, never wrong bytes.
 * Reads are O_DIRECT, so the kernel's page cache and read-ahead stay out of it; the bytes the
 * mount moved are the growth of its {@code rchar} in {@code /proc/PID/io} (everything it read from
 * any socket or file).
 */
@Timeout(300)
class RandomReadsIT {
    private static final int CHUNK = 4 << 20;
    private static final int CHUNKS = 16;
    private static final int READ = 4096;
    @TempDir
    Path tmp;

    @Test
    void aRandomReadMovesItsBlocksNotItsChunkAndNoUnverifiedByteReachesTheReader() throws Exception {
        Mounted.assumeFuse();
        try (MiniCluster mc = MiniCluster.builder().datanodes(3).replication(2).chunkSize(CHUNK).start()) {
            Cluster c = mc.client();
            byte[] data = new byte[CHUNKS * CHUNK + 5000];
            new Random(17).nextBytes(data);
            Attr f = c.master().create("/f", FileType.FILE, 0644, 0, 0, null, true);
            c.uploader(2).upload(f.inode(), CHUNK, new ByteArrayInputStream(data), n -> { });
            List<ChunkRef> chunks = c.master().layout(f.inode(), 0, 4096).chunks();

            try (Mounted m = Mounted.at(tmp.resolve("mnt"), mc.masterUrl()).start()) {
                Path file = m.dir.resolve("f");
                // one 4 KiB read in each chunk (no two in one chunk: a whole-chunk fetch would be counted each time)
                Random r = new Random(3);
                long tail = (long) CHUNKS * CHUNK; // first a read of the short last chunk: the code on this path is loaded
                assertThat(readDirect(file, tail, READ)).isEqualTo(Arrays.copyOfRange(data, (int) tail, (int) tail + READ));
                long before = rchar(m);
                for (int i = 0; i < CHUNKS; i++) {
                    long off = (long) i * CHUNK + (long) r.nextInt(CHUNK / READ) * READ;
                    assertThat(readDirect(file, off, READ)).as("4 KiB at " + off)
                            .isEqualTo(Arrays.copyOfRange(data, (int) off, (int) off + READ));
                }
                long moved = rchar(m) - before;
                System.out.printf("%d random reads of 4 KiB, one per 4 MiB chunk: the mount read %d bytes (%.1f KiB a read)%n",
                        CHUNKS, moved, moved / 1024.0 / CHUNKS);
                // a block each, plus the file's chunk list and the requests and answers around them
                assertThat(moved).as("bytes the mount read for " + CHUNKS + " random 4 KiB reads")
                        .isLessThan((long) CHUNKS * (BlockSums.BLOCK + 32 * 1024));

                // one replica of block 5 of chunk 3 damaged on disk: read around, and that copy replaced
                ChunkRef victim = chunks.get(3);
                Replica bad = victim.replicas().get(0);
                long inChunk = 5L * BlockSums.BLOCK + 100;
                flip(chunkFile(mc, bad.id(), victim.id()), inChunk);
                assertThatThrownBy(() -> c.datanodes().getRange(bad, victim.id(), victim.size(), victim.crc32c(),
                        5L * BlockSums.BLOCK, BlockSums.BLOCK)).as("the damaged copy, asked directly")
                        .isInstanceOf(IOException.class);
                long at = 3L * CHUNK + inChunk - 100;
                assertThat(readDirect(file, at, READ)).isEqualTo(Arrays.copyOfRange(data, (int) at, (int) at + READ));
                Eventually.await("the damaged copy is replaced", Duration.ofSeconds(60), Duration.ofMillis(100), () -> {
                    Replies.FsckReport rep = c.master().fsck("/");
                    List<Replica> now = c.master().layout(f.inode(), 3, 1).chunks().get(0).replicas();
                    return rep.corrupt() == 0 && rep.underReplicated() == 0
                            && now.stream().noneMatch(x -> x.id().equals(bad.id()));
                }, d -> d);

                // block 2 of chunk 9 damaged on every replica: EIO, not the damaged bytes
                ChunkRef lost = chunks.get(9);
                for (Replica x : lost.replicas()) {
                    flip(chunkFile(mc, x.id(), lost.id()), 2L * BlockSums.BLOCK + 7);
                }
                long off = 9L * CHUNK + 2L * BlockSums.BLOCK;
                assertThatThrownBy(() -> readDirect(file, off, READ)).as("a block with no good copy")
                        .isInstanceOf(IOException.class).hasMessageContaining("Input/output error");
            }
        }
    }

    /** {@code length} bytes at {@code offset}, read with O_DIRECT into an aligned buffer. */
    private static byte[] readDirect(Path file, long offset, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(length + READ).alignedSlice(READ);
            buf.limit(length);
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    break;
                }
            }
            buf.flip();
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        }
    }

    private static long rchar(Mounted m) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(m.pid()), "io"))) {
            if (line.startsWith("rchar:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        throw new AssertionError("no rchar for " + m.pid());
    }

    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
    }

    private static Path chunkFile(MiniCluster mc, String nodeId, String chunkId) {
        for (int i = 0; i < mc.size(); i++) {
            if (mc.datanode(i) != null && mc.datanode(i).nodeId().equals(nodeId)) {
                return mc.datanodeDir(i).resolve("chunks").resolve(chunkId.substring(0, 2)).resolve(chunkId);
            }
        }
        throw new IllegalStateException("no datanode " + nodeId);
    }
}
