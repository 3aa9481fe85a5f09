package io.cairn.it;

import io.cairn.common.client.Cluster;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.NodeInfo;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.testing.Eventually;
import io.cairn.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Self-healing on a real cluster: re-replication, trimming, corrupt replicas, draining, safe mode, full disks. */
@Timeout(180)
class RepairIT {
    private static final int C = 64 << 10;
    @TempDir
    Path tmp;

    private static MiniCluster.Builder cluster() {
        return MiniCluster.builder().datanodes(3).replication(2).chunkSize(C).deadAfter(Duration.ofSeconds(1))
                .heartbeat(Duration.ofMillis(200)).gcGrace(Duration.ofSeconds(1)).safeModeTimeout(Duration.ofSeconds(3));
    }

    private static byte[] put(Cluster c, String path, int size, long seed) throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Attr f = c.master().create(path, FileType.FILE, 0644, 0, 0, null, true);
        c.uploader(2).upload(f.inode(), C, new ByteArrayInputStream(data), n -> { });
        return data;
    }

    private static byte[] get(Cluster c, String path) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.downloader(2).download(c.master().attr(path).inode(), out, n -> { });
        return out.toByteArray();
    }

    private static List<ChunkRef> chunks(Cluster c, String path) throws Exception {
        return c.master().layout(c.master().attr(path).inode(), 0, 4096).chunks();
    }

    /** Waits for {@code done} and returns how long that took, in milliseconds. */
    private static long await(String what, Duration timeout, BooleanSupplier done) {
        long t0 = System.nanoTime();
        Eventually.await(what, timeout, Duration.ofMillis(50), done::getAsBoolean, d -> d);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static Replies.FsckReport fsck(Cluster c) {
        try {
            return c.master().fsck("/");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void chunksOfADeadDatanodeAreCopiedElsewhereAndTrimmedWhenItReturns() throws Exception {
        try (MiniCluster mc = cluster().masterClock(new ManualClock()).start()) {
            Cluster c = mc.client();
            byte[] data = put(c, "/f", 40 * C, 1);
            String dead = mc.datanode(0).nodeId();
            long t0 = System.nanoTime();
            mc.block(0); // cut off: nobody reaches it, and it cannot heartbeat
            mc.advancePastDeadAfter(); // so the master counts it dead now
            long detect = await("death", Duration.ofSeconds(10), () -> fsck(c).underReplicated() > 0 || fsck(c).missing() > 0);
            long repaired = await("repair", Duration.ofSeconds(60), () -> {
                Replies.FsckReport r = fsck(c);
                return r.underReplicated() == 0 && r.missing() == 0;
            });
            double secs = (System.nanoTime() - t0) / 1e9;
            for (ChunkRef ch : chunks(c, "/f")) {
                assertThat(ch.replicas().stream().filter(r -> !r.id().equals(dead)).count()).isEqualTo(2);
            }
            System.out.printf("repair: dead node detected after %d ms, re-replicated in %d ms more (%.1f s in all)%n",
                    detect, repaired, secs);
            awaitCopiesOnDisk(mc, c, "/f", data, 2, 0); // on the disks of the live datanodes, not only in the rows
            assertThat(get(c, "/f")).isEqualTo(data);
            mc.unblock(0); // it returns, with its replicas
            await("surplus trimmed", Duration.ofSeconds(60), () -> {
                try {
                    return chunks(c, "/f").stream().allMatch(ch -> ch.replicas().size() == 2);
                } catch (Exception e) {
                    return false;
                }
            });
            awaitCopiesOnDisk(mc, c, "/f", data, 2); // the trimmed copies are gone from the disks
            for (ChunkRef ch : chunks(c, "/f")) {
                assertThat(goodCopiesOnDisk(mc, ch.id(), slice(data, ch.index()))).as("chunk %d", ch.index())
                        .isEqualTo(indexes(mc, ch.replicas()));
            }
            assertThat(get(c, "/f")).isEqualTo(data);
        }
    }

    @Test
    void aChunkFileRemovedByHandIsFoundMissingAtTheNextFullReportAndRepairedOnDisk() throws Exception {
        try (MiniCluster mc = cluster().reportEvery(Duration.ofSeconds(1)).start()) {
            Cluster c = mc.client();
            byte[] data = put(c, "/f", 6 * C, 12);
            ChunkRef victim = chunks(c, "/f").get(2);
            String node = victim.replicas().get(0).id();
            long t0 = System.nanoTime();
            Files.delete(chunkFile(mc, node, victim.id())); // rm DATA/chunks/ab/<id> on one datanode; nobody reads it
            assertThat(copiesOnDisk(mc, victim.id())).isEqualTo(1);
            await("the lost copy is made again on disk", Duration.ofSeconds(60), () -> copiesOnDisk(mc, victim.id()) == 2);
            System.out.printf("repair: a chunk file removed by hand was copied again %d ms later (full report every 1 s)%n",
                    (System.nanoTime() - t0) / 1_000_000);
            await("the master's rows match the disks", Duration.ofSeconds(30), () -> {
                try {
                    ChunkRef now = chunks(c, "/f").get(2);
                    return now.replicas().size() == 2 && now.replicas().stream()
                            .allMatch(r -> Files.exists(chunkFile(mc, r.id(), victim.id())));
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(fsck(c).underReplicated()).isZero();
            assertThat(get(c, "/f")).isEqualTo(data);
        }
    }

    @Test
    void corruptReplicasInEveryWayAreReadAroundAndRepaired() throws Exception {
        try (MiniCluster mc = cluster().start()) {
            Cluster c = mc.client();
            byte[] data = put(c, "/f", 8 * C, 2);
            List<ChunkRef> before = chunks(c, "/f");
            // one replica of each of four chunks, broken four ways: a flipped bit, truncated, deleted, swapped
            for (int i = 0; i < 4; i++) {
                ChunkRef ch = before.get(i);
                Replica victim = ch.replicas().get(0);
                Path file = chunkFile(mc, victim.id(), ch.id());
                switch (i) {
                    case 0 -> {
                        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                            f.seek(100);
                            int b = f.read();
                            f.seek(100);
                            f.write(b ^ 0x10);
                        }
                    }
                    case 1 -> {
                        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                            f.setLength(C / 2);
                        }
                    }
                    case 2 -> Files.delete(file);
                    default -> Files.copy(chunkFile(mc, before.get(7).replicas().get(0).id(), before.get(7).id()), file,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            assertThat(get(c, "/f")).isEqualTo(data);
            await("bad replicas replaced", Duration.ofSeconds(60), () -> {
                Replies.FsckReport r = fsck(c);
                return r.corrupt() == 0 && r.underReplicated() == 0 && r.missing() == 0;
            });
            for (int i = 0; i < 4; i++) {
                for (Replica r : chunks(c, "/f").get(i).replicas()) {
                    assertThat(mc.client().datanodes().get(r, before.get(i).id(), before.get(i).size(),
                            before.get(i).crc32c())).hasSize(C);
                }
            }
            // on disk: two good copies of every chunk, the broken ones replaced and deleted
            awaitCopiesOnDisk(mc, c, "/f", data, 2);
            await("the broken copies are deleted", Duration.ofSeconds(60), () -> {
                for (int i = 0; i < 4; i++) {
                    if (copiesOnDisk(mc, before.get(i).id()) != 2) {
                        return false;
                    }
                }
                return true;
            });
        }
    }

    @Test
    void theScrubberFindsAFlippedBitNobodyReadAndItIsRepaired() throws Exception {
        try (MiniCluster mc = cluster().scrub(new io.cairn.datanode.scrub.ScrubConfig(64L << 20, Duration.ofMillis(300),
                Duration.ofMillis(100))).start()) {
            Cluster c = mc.client();
            byte[] data = put(c, "/quiet", 6 * C, 11);
            ChunkRef victim = chunks(c, "/quiet").get(3);
            String node = victim.replicas().get(0).id();
            Path file = chunkFile(mc, node, victim.id());
            byte[] b = Files.readAllBytes(file);
            b[1234] ^= 0x01;
            Files.write(file, b);
            long found = await("scrubber report", Duration.ofSeconds(30), () -> {
                Replies.FsckReport r = fsck(c);
                return r.corrupt() > 0 || chunksOrEmpty(c).stream().anyMatch(ch -> ch.id().equals(victim.id())
                        && ch.replicas().stream().noneMatch(r2 -> r2.id().equals(node)));
            });
            long repaired = await("repair", Duration.ofSeconds(60), () -> {
                Replies.FsckReport r = fsck(c);
                return r.corrupt() == 0 && r.underReplicated() == 0 && r.missing() == 0;
            });
            System.out.printf("scrubber: bad replica found in %d ms, replaced %d ms later%n", found, repaired);
            for (Replica r : chunks(c, "/quiet").get(3).replicas()) {
                assertThat(c.datanodes().get(r, victim.id(), victim.size(), victim.crc32c())).hasSize(C);
            }
            awaitCopiesOnDisk(mc, c, "/quiet", data, 2);
            await("the flipped copy is deleted", Duration.ofSeconds(60), () -> copiesOnDisk(mc, victim.id()) == 2);
            assertThat(get(c, "/quiet")).isEqualTo(data);
        }
    }

    private static List<ChunkRef> chunksOrEmpty(Cluster c) {
        try {
            return chunks(c, "/quiet");
        } catch (Exception e) {
            return List.of();
        }
    }

    @Test
    void whenEveryReplicaIsCorruptTheReaderGetsAnErrorNotWrongBytes() throws Exception {
        try (MiniCluster mc = cluster().start()) {
            Cluster c = mc.client();
            put(c, "/f", 2 * C, 3);
            ChunkRef ch = chunks(c, "/f").get(1);
            for (Replica r : ch.replicas()) {
                Path file = chunkFile(mc, r.id(), ch.id());
                byte[] b = Files.readAllBytes(file);
                b[5] ^= 1;
                Files.write(file, b);
            }
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> get(c, "/f")).isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.EIO));
            assertThat((System.nanoTime() - t0) / 1e9).as("bounded time").isLessThan(30);
            await("fsck sees it", Duration.ofSeconds(10), () -> fsck(c).corrupt() > 0);
            assertThat(fsck(c).paths()).extracting(Replies.FsckProblem::path).contains("/f");
        }
    }

    @Test
    void aDecommissionedDatanodeIsDrainedAndGetsNoNewChunks() throws Exception {
        try (MiniCluster mc = cluster().start()) {
            Cluster c = mc.client();
            byte[] data = put(c, "/f", 20 * C, 4);
            String node = mc.datanode(2).nodeId();
            NodeInfo n = c.master().decommission(node.substring(0, 8));
            assertThat(n.decommissioning()).isTrue();
            await("drained", Duration.ofSeconds(60), () -> {
                try {
                    return c.master().nodes().stream().filter(x -> x.id().equals(node)).findFirst().orElseThrow().replicas() == 0;
                } catch (Exception e) {
                    return false;
                }
            });
            // on disk: the drained node holds none of /f's chunks, the others two good copies of each
            await("the drained datanode's disk gives up /f", Duration.ofSeconds(60), () -> {
                try {
                    return chunks(c, "/f").stream().allMatch(ch -> !Files.exists(mc.datanodeDir(2).resolve("chunks")
                            .resolve(ch.id().substring(0, 2)).resolve(ch.id())));
                } catch (Exception e) {
                    return false;
                }
            });
            awaitCopiesOnDisk(mc, c, "/f", data, 2, 2);
            assertThat(mc.chunkFiles(2)).isEmpty();
            assertThat(get(c, "/f")).isEqualTo(data);
            put(c, "/g", 10 * C, 5);
            assertThat(chunks(c, "/g")).allSatisfy(ch -> assertThat(ch.replicas()).extracting(Replica::id).doesNotContain(node));
            assertThat(fsck(c).underReplicated()).isZero();
        }
    }

    @Test
    void afterARestartTheMasterWaitsForDatanodesBeforeRepairing() throws Exception {
        ManualClock clock = new ManualClock();
        try (MiniCluster mc = cluster().safeModeTimeout(Duration.ofSeconds(4)).masterClock(clock).start()) {
            Cluster c = mc.client();
            byte[] data = put(c, "/f", 6 * C, 6);
            mc.stopDatanode(1);
            mc.restartMaster();
            Replies.FsckReport waiting = fsck(c);
            assertThat(waiting.safeMode()).isTrue();
            assertThat(waiting.status()).contains("waiting");
            clock.advance(Duration.ofSeconds(4)); // datanode 1 never reports: the safe-mode timeout passes
            await("safe mode over", Duration.ofSeconds(20), () -> !fsck(c).safeMode());
            await("repaired", Duration.ofSeconds(60), () -> fsck(c).underReplicated() == 0);
            awaitCopiesOnDisk(mc, c, "/f", data, 2, 1); // two good copies on the datanodes that are up
        }
    }

    @Test
    void aFullDatanodeTakesNoNewChunksAndAFullClusterSaysENOSPC() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).replication(1).chunkSize(C).capacity(6L * C)
                .heartbeat(Duration.ofMillis(200)).start()) {
            Cluster c = mc.client();
            put(c, "/a", 6 * C, 7);
            await("nodes report usage", Duration.ofSeconds(10), () -> {
                try {
                    return c.master().nodes().stream().mapToLong(NodeInfo::used).sum() >= 6L * C;
                } catch (Exception e) {
                    return false;
                }
            });
            put(c, "/b", 6 * C, 8);
            await("both full", Duration.ofSeconds(10), () -> {
                try {
                    return c.master().nodes().stream().filter(NodeInfo::full).count() == 2;
                } catch (Exception e) {
                    return false;
                }
            });
            assertThatThrownBy(() -> put(c, "/c", 4 * C, 9)).isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).code()).isIn(ErrorCode.ENONODES, ErrorCode.ENOSPC));
            assertThat(get(c, "/a")).hasSize(6 * C);
            assertThat(fsck(c).missing()).isZero();
        }
    }

    @Test
    void aMetadataBackupIsAConsistentDatabaseOfTheNamespace() throws Exception {
        try (MiniCluster mc = cluster().start()) {
            Cluster c = mc.client();
            put(c, "/kept", 3 * C, 10);
            Path backup = tmp.resolve("meta-backup.db");
            try (var out = Files.newOutputStream(backup)) {
                assertThat(c.master().backup(out)).isPositive();
            }
            try (var conn = java.sql.DriverManager.getConnection("jdbc:sqlite:" + backup);
                 var rs = conn.createStatement().executeQuery("SELECT COUNT(*) FROM dentries WHERE name = 'kept'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    /**
     * The datanodes (by index) whose disk holds chunk {@code chunkId} with exactly the bytes
     * {@code expected} (a copy with other bytes is not a copy). Datanodes in {@code except} are not
     * looked at.
     */
    static java.util.Set<Integer> goodCopiesOnDisk(MiniCluster mc, String chunkId, byte[] expected, int... except) {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        for (int i = 0; i < mc.size(); i++) {
            final int node = i;
            if (java.util.Arrays.stream(except).anyMatch(x -> x == node)) {
                continue;
            }
            Path f = mc.datanodeDir(i).resolve("chunks").resolve(chunkId.substring(0, 2)).resolve(chunkId);
            try {
                if (Files.exists(f) && java.util.Arrays.equals(Files.readAllBytes(f), expected)) {
                    out.add(i);
                }
            } catch (java.io.IOException e) {
                // deleted while looking: not a copy
            }
        }
        return out;
    }

    /** The bytes of chunk {@code index} of a file with content {@code data}. */
    private static byte[] slice(byte[] data, long index) {
        int from = (int) (index * C);
        return java.util.Arrays.copyOfRange(data, from, Math.min(data.length, from + C));
    }

    /** Waits until every chunk of {@code path} has exactly R good copies on the disks looked at. */
    private static void awaitCopiesOnDisk(MiniCluster mc, Cluster c, String path, byte[] data, int copies,
                                          int... except) throws Exception {
        List<ChunkRef> all = chunks(c, path);
        await("every chunk of " + path + " has " + copies + " good copies on disk", Duration.ofSeconds(60),
                () -> all.stream().allMatch(ch -> goodCopiesOnDisk(mc, ch.id(), slice(data, ch.index()), except).size()
                        == copies));
    }

    /** How many datanodes hold chunk {@code chunkId} on their disks. */
    static int copiesOnDisk(MiniCluster mc, String chunkId) {
        int n = 0;
        for (int i = 0; i < mc.size(); i++) {
            n += Files.exists(mc.datanodeDir(i).resolve("chunks").resolve(chunkId.substring(0, 2)).resolve(chunkId)) ? 1 : 0;
        }
        return n;
    }

    /** The indexes of the datanodes that {@code replicas} name. */
    private static java.util.Set<Integer> indexes(MiniCluster mc, List<Replica> replicas) {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        for (Replica r : replicas) {
            for (int i = 0; i < mc.size(); i++) {
                if (mc.datanode(i) != null && mc.datanode(i).nodeId().equals(r.id())) {
                    out.add(i);
                }
            }
        }
        return out;
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
