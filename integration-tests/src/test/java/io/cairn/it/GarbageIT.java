package io.cairn.it;

import io.cairn.common.client.Cluster;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Requests;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Chunks of deleted, overwritten and truncated files leave the datanodes' disks after the grace period. */
@Timeout(120)
class GarbageIT {
    private static int chunkFiles(MiniCluster mc) {
        int n = 0;
        for (int i = 0; i < mc.size(); i++) {
            n += mc.chunkFiles(i).size();
        }
        return n;
    }

    private static void awaitChunkFiles(MiniCluster mc, int expected) {
        Eventually.await(expected + " chunk files are left on the datanodes' disks", Duration.ofSeconds(30),
                Duration.ofMillis(100), () -> chunkFiles(mc), n -> n == expected);
        assertThat(chunkFiles(mc)).isEqualTo(expected);
    }

    @Test
    void deletedTruncatedAndReplacedChunksAreRemovedFromDisk() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).chunkSize(64 << 10).gcGrace(Duration.ofSeconds(1))
                .safeModeTimeout(Duration.ZERO).start()) {
            Cluster c = mc.client();
            byte[] data = new byte[5 * (64 << 10)];
            new Random(1).nextBytes(data);
            Attr a = c.master().create("/a", FileType.FILE, 0644, 0, 0, null, true);
            c.uploader(2).upload(a.inode(), 64 << 10, new ByteArrayInputStream(data), n -> { });
            Attr b = c.master().create("/b", FileType.FILE, 0644, 0, 0, null, true);
            c.uploader(2).upload(b.inode(), 64 << 10, new ByteArrayInputStream(data), n -> { });
            assertThat(chunkFiles(mc)).isEqualTo(20);
            long t0 = System.nanoTime();
            c.master().unlink("/a");                                  // rm /a: 5 chunks x 2 replicas go
            c.master().setAttr(new Requests.SetAttr("/b", null, null, null, null, 2L * (64 << 10), null, null)); // truncate: 3 go
            awaitChunkFiles(mc, 4);
            System.out.printf("garbage: 16 replicas deleted %.1f s after unlink/truncate (grace 1 s)%n",
                    (System.nanoTime() - t0) / 1e9);
            var chunks = c.fileChunks(b.inode(), 64 << 10);
            var w = chunks.upload(0, new byte[100], 100, true); // overwrite chunk 0
            chunks.commit(() -> -1);
            awaitChunkFiles(mc, 4);
            assertThat(c.master().layout(b.inode(), 0, 10).chunks().get(0).id()).isEqualTo(w.id());
        }
    }

    @Test
    void chunksAWriterStoredButNeverCommittedAreDeletedOnceItsLeaseLapsed() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).chunkSize(64 << 10).gcGrace(Duration.ofSeconds(1))
                .chunkLease(Duration.ofSeconds(6)).safeModeTimeout(Duration.ZERO).reportEvery(Duration.ofMillis(500))
                .start()) {
            Attr f = mc.client().master().create("/dying", FileType.FILE, 0644, 0, 0, null, true);
            // a writer that stores a chunk on its replicas and dies before committing it: its own
            // client, closed (so nothing renews its lease or commits for it) right after the upload
            try (Cluster writer = new Cluster(mc.masterUrl(), Duration.ofSeconds(10), mc.credentials())) {
                writer.fileChunks(f.inode(), 64 << 10).upload(0, new byte[1000], 1000, true);
            }
            assertThat(chunkFiles(mc)).isEqualTo(2);
            long t0 = System.nanoTime();
            awaitChunkFiles(mc, 0);
            System.out.printf("garbage: uncommitted replicas deleted %.1f s after the write (lease 6 s, grace 1 s,"
                    + " report every 0.5 s)%n", (System.nanoTime() - t0) / 1e9);
            assertThat(mc.client().master().attr("/dying").size()).isZero();
        }
    }
}
