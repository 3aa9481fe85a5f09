package io.cairn.it;

import io.cairn.common.client.Cluster;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replies;
import io.cairn.it.mount.Mounted;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live writer's uploaded chunks are never collected as orphans, however long it takes between
 * its uploads and its commit: the chunks of a file held open through the mount, and of a
 * {@code cairn put -} from a pipe that stalls, outlive several orphan grace periods (with the
 * datanodes restarted meanwhile) and read back byte for byte through the CLI afterwards.
 *
 * <p>That the grace periods really passed is shown, not slept for: in every round a writer that
 * dies stores a chunk of its own, and the round ends when that chunk is gone from every disk.
 */
@Timeout(300)
class LeasedChunksIT {
    private static final int C = 64 << 10;
    private static final Duration GRACE = Duration.ofSeconds(3);
    @TempDir
    Path tmp;

    private static MiniCluster.Builder cluster() {
        return MiniCluster.builder().datanodes(3).replication(2).chunkSize(C).orphanGrace(GRACE)
                .chunkLease(Duration.ofSeconds(3)).reportEvery(Duration.ofSeconds(1)).heartbeat(Duration.ofMillis(200));
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static int chunkFiles(MiniCluster mc) {
        int n = 0;
        for (int i = 0; i < mc.size(); i++) {
            n += mc.chunkFiles(i).size();
        }
        return n;
    }

    private static int copiesOnDisk(MiniCluster mc, String chunkId) {
        int n = 0;
        for (int i = 0; i < mc.size(); i++) {
            n += Files.exists(mc.datanodeDir(i).resolve("chunks").resolve(chunkId.substring(0, 2)).resolve(chunkId)) ? 1 : 0;
        }
        return n;
    }

    /**
     * One orphan grace period, shown to have passed: a writer stores a chunk of a file of its own and
     * dies without committing it, and this returns once that chunk is gone from every datanode's disk.
     */
    private static void aDeadWritersChunkIsCollected(MiniCluster mc, int round) throws Exception {
        Attr f = mc.client().master().create("/dead-writer-" + round, FileType.FILE, 0644, 0, 0, null, true);
        String id;
        try (Cluster dying = new Cluster(mc.masterUrl(), Duration.ofSeconds(10), mc.credentials())) {
            id = dying.fileChunks(f.inode(), C).upload(0, random(1000, round), 1000, true).id();
        }
        assertThat(copiesOnDisk(mc, id)).isEqualTo(2);
        long t0 = System.nanoTime();
        Eventually.await("the dead writer's chunk " + id + " is deleted from every disk", Duration.ofSeconds(60),
                Duration.ofMillis(100), () -> copiesOnDisk(mc, id), n -> n == 0);
        System.out.printf("leases: a dead writer's chunk was collected %.1f s after its upload (orphan grace %d s)%n",
                (System.nanoTime() - t0) / 1e9, GRACE.toSeconds());
    }

    private void assertReadsBackThroughTheCli(MiniCluster mc, String remote, byte[] data) throws Exception {
        Path copy = tmp.resolve("copy-" + remote.substring(1));
        Proc.Result r = Proc.run(tmp.resolve("logs"), Map.of("CAIRN_TOKEN_FILE", mc.adminTokenFile().toString()),
                Duration.ofSeconds(60), "get", "--master", mc.masterUrl(), remote, copy.toString());
        assertThat(r.exit()).as("cairn get %s: %s", remote, r.stderr()).isZero();
        assertThat(Data.sha256(copy)).isEqualTo(Data.sha256(data));
        Replies.FsckReport fsck = mc.client().master().fsck("/");
        assertThat(fsck.missing()).isZero();
        assertThat(fsck.underReplicated()).isZero();
        assertThat(fsck.corrupt()).isZero();
    }

    private static void write(FileChannel ch, byte[] data, int from, int length) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(data, from, length);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @Test
    void aFileHeldOpenThroughTheMountAcrossSeveralOrphanGracePeriodsReadsBackWhole() throws Exception {
        Mounted.assumeFuse();
        try (MiniCluster mc = cluster().start();
             Mounted m = Mounted.at(tmp.resolve("mnt"), mc.masterUrl()).attrTimeout(Duration.ZERO).start()) {
            byte[] data = random(5 * C + 1234, 1);
            // exec 3> log; five whole chunks >&3 (each uploads once written to its end); ...; exec 3>&-
            try (FileChannel ch = FileChannel.open(m.dir.resolve("log"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                write(ch, data, 0, 5 * C);
                Eventually.await("the five written chunks are on their replicas", Duration.ofSeconds(30),
                        Duration.ofMillis(50), () -> chunkFiles(mc), n -> n >= 10);
                for (int round = 0; round < 3; round++) {
                    mc.restartDatanode(round); // it registers again and reports every chunk it holds
                    mc.waitForLive(3, Duration.ofSeconds(20));
                    aDeadWritersChunkIsCollected(mc, round);
                }
                write(ch, data, 5 * C, 1234);
            } // close() returned 0: every byte is on its replicas and committed
            assertReadsBackThroughTheCli(mc, "/log", data);
        }
    }

    @Test
    void cairnPutFromAPipeThatStallsLongerThanTheGracePeriodLosesNothing() throws Exception {
        try (MiniCluster mc = cluster().start()) {
            byte[] data = random(3 * C + 777, 2);
            Path src = tmp.resolve("src");
            Files.write(src, data);
            Path go = tmp.resolve("go");
            int first = 2 * C + 100;
            // (head -c FIRST src; until [ -e go ]; do sleep 0.1; done; tail -c +FIRST+1 src) | cairn put -q - /slow
            String pipe = "(head -c " + first + " " + src + "; until [ -e " + go + " ]; do sleep 0.1; done; tail -c +"
                    + (first + 1) + " " + src + ") | " + Proc.cairn() + " put --master " + mc.masterUrl() + " -q - /slow";
            try (Proc put = Proc.startCommand(tmp.resolve("logs"), "slow-put",
                    Map.of("CAIRN_TOKEN_FILE", mc.adminTokenFile().toString()), List.of("bash", "-o", "pipefail", "-c", pipe))) {
                Eventually.await("the first two chunks are on their replicas", Duration.ofSeconds(60),
                        Duration.ofMillis(50), () -> chunkFiles(mc), n -> n >= 4);
                for (int round = 0; round < 2; round++) {
                    aDeadWritersChunkIsCollected(mc, round);
                }
                Files.createFile(go);
                Proc.Result r = put.await(Duration.ofSeconds(60));
                assertThat(r.exit()).as("cairn put: %s", r.stderr()).isZero();
            }
            assertReadsBackThroughTheCli(mc, "/slow", data);
        }
    }
}
