package io.cairn.it;

import io.cairn.common.client.Cluster;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replica;
import io.cairn.datanode.membership.Membership;
import io.cairn.testing.Eventually;
import io.cairn.testing.ManualClock;
import io.cairn.testing.Threads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cluster core on a real in-process cluster: placement, replication, integrity and failover. */
@Timeout(120)
class ClusterCoreIT {
    /** The thread of a datanode's membership loop. */
    static final String MEMBERSHIP_LOOP = "cairn-datanode-membership";
    @TempDir
    Path tmp;

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Attr put(Cluster c, String path, byte[] data) throws Exception {
        Attr f = c.master().create(path, FileType.FILE, 0644, 0, 0, null, true);
        return c.uploader(2).upload(f.inode(), (int) c.master().status().chunkSize(), new ByteArrayInputStream(data), n -> { });
    }

    static byte[] get(Cluster c, String path) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.downloader(2).download(c.master().attr(path).inode(), out, n -> { });
        return out.toByteArray();
    }

    static List<ChunkRef> chunks(Cluster c, String path) throws Exception {
        FileLayout l = c.master().layout(c.master().attr(path).inode(), 0, 4096);
        return l.chunks();
    }

    @Test
    void aFileIsSplitIntoChunksPlacedRoundRobinOnDistinctNodes() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(3).replication(2).chunkSize(256 << 10).start()) {
            Cluster c = mc.client();
            byte[] data = random(6 * (256 << 10) + 1234, 1);
            Attr a = put(c, "/f", data);
            assertThat(a.size()).isEqualTo(data.length);
            List<ChunkRef> chunks = chunks(c, "/f");
            assertThat(chunks).hasSize(7);
            Map<String, Integer> perNode = new HashMap<>();
            for (ChunkRef ch : chunks) {
                Set<String> ids = new HashSet<>();
                ch.replicas().forEach(r -> ids.add(r.id()));
                assertThat(ids).as("replicas of chunk %d on distinct nodes", ch.index()).hasSize(2);
                ids.forEach(id -> perNode.merge(id, 1, Integer::sum));
            }
            assertThat(perNode).as("every datanode holds chunks").hasSize(3);
            assertThat(perNode.values()).allSatisfy(n -> assertThat(n).isBetween(4, 5));
            assertThat(get(c, "/f")).isEqualTo(data);
            long files = 0;
            for (int i = 0; i < 3; i++) {
                files += mc.chunkFiles(i).size();
            }
            assertThat(files).as("14 replicas on disk").isEqualTo(14);
        }
    }

    @Test
    void anEmptyFileAndAFileOfExactlyOneChunkRoundTrip() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).chunkSize(64 << 10).start()) {
            Cluster c = mc.client();
            assertThat(put(c, "/empty", new byte[0]).size()).isZero();
            assertThat(get(c, "/empty")).isEmpty();
            byte[] one = random(64 << 10, 2);
            put(c, "/one", one);
            assertThat(chunks(c, "/one")).hasSize(1);
            assertThat(get(c, "/one")).isEqualTo(one);
        }
    }

    @Test
    void readFailsOverToTheOtherReplicaWhenADatanodeIsDown() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).chunkSize(64 << 10).start()) {
            Cluster c = mc.client();
            byte[] data = random(300 << 10, 3);
            put(c, "/f", data);
            mc.stopDatanode(0);
            assertThat(get(c, "/f")).isEqualTo(data);
        }
    }

    @Test
    void aCorruptReplicaIsSkippedAndTheRightBytesAreRead() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).chunkSize(64 << 10).start()) {
            Cluster c = mc.client();
            byte[] data = random(200 << 10, 4);
            put(c, "/f", data);
            for (Path p : mc.chunkFiles(0)) { // flip one bit in every chunk on node 0
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    f.seek(10);
                    int b = f.read();
                    f.seek(10);
                    f.write(b ^ 1);
                }
            }
            assertThat(get(c, "/f")).isEqualTo(data);
            for (Path p : mc.chunkFiles(1)) {
                Files.write(p, new byte[] {1, 2, 3});
            }
            assertThatThrownBy(() -> get(c, "/f")).isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.EIO))
                    .hasMessageContaining("no readable replica");
        }
    }

    @Test
    void aWriteReplacesAReplicaWhoseDatanodeStoppedAnswering() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(3).chunkSize(64 << 10).start()) {
            Cluster c = mc.client();
            String stoppedId = mc.datanode(1).nodeId();
            mc.stopDatanode(1); // still counted live by the master for a while: placement will pick it
            byte[] data = random(640 << 10, 5);
            put(c, "/f", data);
            for (ChunkRef ch : chunks(c, "/f")) {
                assertThat(ch.replicas()).extracting(Replica::id).hasSize(2).doesNotContain(stoppedId);
            }
            assertThat(get(c, "/f")).isEqualTo(data);
        }
    }

    @Test
    void withFewerLiveNodesThanReplicasAWriteFinishesUnderReplicated() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(1).replication(2).chunkSize(64 << 10).start()) {
            Cluster c = mc.client();
            byte[] data = random(100 << 10, 6);
            put(c, "/f", data);
            assertThat(chunks(c, "/f")).allSatisfy(ch -> assertThat(ch.replicas()).hasSize(1));
            assertThat(get(c, "/f")).isEqualTo(data);
        }
    }

    @Test
    void withNoLiveDatanodeAWriteFailsClearly() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(1).chunkSize(64 << 10).deadAfter(Duration.ofMillis(800))
                .masterClock(new ManualClock()).start()) {
            Cluster c = mc.client();
            mc.block(0); // cut off: it cannot heartbeat
            mc.advancePastDeadAfter();
            assertThat(mc.nodes().get(0).state()).isEqualTo("dead");
            assertThatThrownBy(() -> put(c, "/f", random(1000, 7))).isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.ENONODES))
                    .hasMessageContaining("no live datanode");
        }
    }

    @Test
    void aSilentDatanodeIsShownDeadAndSkippedByPlacement() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(3).chunkSize(64 << 10).deadAfter(Duration.ofMillis(800))
                .masterClock(new ManualClock()).start()) {
            Cluster c = mc.client();
            String deadId = mc.datanode(2).nodeId();
            mc.block(2); // silent from now on
            mc.advancePastDeadAfter();
            assertThat(c.master().nodes()).filteredOn(n -> n.id().equals(deadId)).singleElement()
                    .satisfies(n -> assertThat(n.state()).isEqualTo("dead"));
            mc.waitForLive(2, Duration.ofSeconds(10)); // the other two heartbeat again after the jump of the clock
            put(c, "/f", random(512 << 10, 8));
            assertThat(chunks(c, "/f")).allSatisfy(ch ->
                    assertThat(ch.replicas()).extracting(Replica::id).doesNotContain(deadId).hasSize(2));
        }
    }

    @Test
    void aRestartedDatanodeKeepsItsIdAndChunksAndReportsThemToARestartedMaster() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).chunkSize(64 << 10).start()) {
            Cluster c = mc.client();
            byte[] data = random(300 << 10, 9);
            put(c, "/f", data);
            String id = mc.datanode(0).nodeId();
            int chunksBefore = mc.chunkFiles(0).size();
            mc.restartDatanode(0);
            assertThat(mc.datanode(0).nodeId()).isEqualTo(id);
            assertThat(mc.chunkFiles(0)).hasSize(chunksBefore);
            mc.restartMaster();
            mc.waitForLive(2, Duration.ofSeconds(20));
            assertThat(mc.nodes()).filteredOn(n -> n.id().equals(id)).singleElement()
                    .satisfies(n -> assertThat(n.chunks()).isEqualTo(chunksBefore));
            try (Cluster fresh = new Cluster(mc.masterUrl(), Duration.ofSeconds(10), mc.credentials())) {
                assertThat(get(fresh, "/f")).isEqualTo(data);
            }
        }
    }

    @Test
    void aDatanodeStartedBeforeTheMasterJoinsWhenTheMasterComesUp() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(1).chunkSize(64 << 10).start()) {
            mc.stopMaster();
            mc.stopDatanode(0);
            int attempts = mc.datanodeMasterLink(0).accepted();
            mc.restartDatanode(0); // retries registration while no master answers
            Eventually.await("a few registrations failed", Duration.ofSeconds(10),
                    () -> mc.datanodeMasterLink(0).accepted() >= attempts + 3);
            mc.restartMaster();
            mc.waitForLive(1, Duration.ofSeconds(20));
            put(mc.client(), "/f", random(1000, 10));
            assertThat(get(mc.client(), "/f")).hasSize(1000);
        }
    }

    @Test
    void aDatanodeOfAnotherClusterIsRefusedByANewMaster() throws Exception {
        try (MiniCluster a = MiniCluster.builder().datanodes(1).start();
             MiniCluster b = MiniCluster.builder().datanodes(0).start()) {
            Path dnDir = a.datanodeDir(0);
            byte[] data = random(3 * (1 << 20) + 17, 11);
            put(a.client(), "/kept", data); // cluster A's chunks on the datanode's disk
            Map<Path, String> chunksBefore = new HashMap<>();
            for (Path f : a.chunkFiles(0)) {
                chunksBefore.put(f, Data.sha256(Files.readAllBytes(f)));
            }
            assertThat(chunksBefore).hasSize(4);
            a.stopDatanode(0);
            // the datanode of cluster A is pointed at the master of cluster B
            Set<Thread> loops = new HashSet<>(Threads.named(MEMBERSHIP_LOOP));
            try (var stray = io.cairn.datanode.DatanodeServer.start(new io.cairn.datanode.DatanodeConfig("127.0.0.1", 0,
                    dnDir, b.masterUrl(), null, Duration.ofMillis(200), 0, 0, java.time.Clock.systemUTC()))) {
                // B has answered its registration: the datanode waits to ask again after the refusal
                Eventually.await("the stray datanode was refused", Duration.ofSeconds(20), () -> {
                    List<Thread> mine = new java.util.ArrayList<>(Threads.named(MEMBERSHIP_LOOP));
                    mine.removeAll(loops);
                    return mine.size() == 1 && Threads.waitingUnder(mine.get(0), Membership.class, "failed");
                });
                assertThat(b.nodes()).as("B never counts A's datanode").isEmpty();
                assertThat(Files.readString(dnDir.resolve("cluster-id")).trim()).isEqualTo(a.master().clusterId());
            }
            Map<Path, String> chunksAfter = new HashMap<>();
            for (Path f : a.chunkFiles(0)) {
                chunksAfter.put(f, Data.sha256(Files.readAllBytes(f)));
            }
            assertThat(chunksAfter).as("the stray kept every chunk of its own cluster, byte for byte").isEqualTo(chunksBefore);
            a.restartDatanode(0); // home again: cluster A reads its file from it
            a.waitForLive(1, Duration.ofSeconds(20));
            assertThat(get(a.client(), "/kept")).isEqualTo(data);
        }
    }

    @Test
    void eightClientsPuttingGettingRenamingAndDeletingLeaveAConsistentNamespace() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(3).chunkSize(64 << 10).start()) {
            Cluster c = mc.client();
            c.master().mkdir("/shared", 0755, 0, 0, true);
            int clients = 8;
            List<Thread> threads = new java.util.ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            Map<String, String> expected = new java.util.concurrent.ConcurrentHashMap<>();
            Set<String> contestants = java.util.concurrent.ConcurrentHashMap.newKeySet(); // what was renamed over /shared/contested
            for (int t = 0; t < clients; t++) {
                final int id = t;
                threads.add(new Thread(() -> {
                    try (Cluster own = new Cluster(mc.masterUrl(), Duration.ofSeconds(20), mc.credentials())) {
                        for (int i = 0; i < 6; i++) {
                            byte[] data = random(50_000 + id * 7_000 + i * 3_000, id * 100 + i);
                            String p = "/shared/c" + id + "-" + i;
                            put(own, p, data);
                            assertThat(get(own, p)).isEqualTo(data);
                            if (i % 3 == 1) {
                                own.master().rename(p, p + ".renamed", false);
                                expected.put(p + ".renamed", Data.sha256(data));
                            } else if (i % 3 == 2) {
                                own.master().unlink(p);
                            } else {
                                expected.put(p, Data.sha256(data));
                            }
                            // everyone also renames over one shared name: last rename wins, never a torn file
                            String mine = "/shared/tmp-" + id + "-" + i;
                            put(own, mine, data);
                            contestants.add(Data.sha256(data));
                            own.master().rename(mine, "/shared/contested", false);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(errors).isEmpty();
            Set<String> names = new HashSet<>();
            c.master().listAll("/shared").forEach(e -> names.add("/shared/" + e.name()));
            Set<String> want = new HashSet<>(expected.keySet());
            want.add("/shared/contested");
            assertThat(names).isEqualTo(want);
            for (var e : expected.entrySet()) {
                assertThat(Data.sha256(get(c, e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
            }
            byte[] contested = get(c, "/shared/contested");
            assertThat(contested.length).isGreaterThan(0);
            assertThat(contestants).as("the contested file is exactly what one writer put, whole").hasSize(6 * clients)
                    .contains(Data.sha256(contested));
        }
    }
}
