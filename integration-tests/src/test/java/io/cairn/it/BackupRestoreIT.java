package io.cairn.it;

import io.cairn.common.client.Cluster;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replica;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restoring a metadata backup that is older than what the datanodes did since (copies made, copies
 * trimmed, files deleted) loses nothing the datanodes still hold: their full reports replace what
 * the backup believed about them before anything is trimmed or deleted.
 */
@Timeout(240)
class BackupRestoreIT {
    private static final int C = 64 << 10;
    @TempDir
    Path tmp;

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

    /** The datanodes (by id) that hold chunk {@code id} on their disks. */
    private static Set<String> onDisk(MiniCluster mc, String id) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < mc.size(); i++) {
            if (Files.exists(mc.datanodeDir(i).resolve("chunks").resolve(id.substring(0, 2)).resolve(id))) {
                out.add(mc.datanode(i).nodeId());
            }
        }
        return out;
    }

    private static int chunkFiles(MiniCluster mc) {
        int n = 0;
        for (int i = 0; i < mc.size(); i++) {
            n += mc.chunkFiles(i).size();
        }
        return n;
    }

    /** Whether the master's replicas of every chunk of {@code paths} are exactly the copies on disk. */
    private static boolean rowsMatchDisks(MiniCluster mc, Cluster c, List<String> paths) {
        try {
            for (String p : paths) {
                for (ChunkRef ch : chunks(c, p)) {
                    Set<String> rows = new HashSet<>();
                    ch.replicas().forEach(r -> rows.add(r.id()));
                    if (!rows.equals(onDisk(mc, ch.id()))) {
                        return false;
                    }
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void afterAnOlderBackupIsRestoredEveryFileWhoseChunksStillExistReadsBackIntact() throws Exception {
        // R = 1 on two datanodes: every chunk has one copy, so a real copy trimmed by mistake is data lost;
        // a capacity far below the disk's makes the drained node the one with the most room
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).replication(1).chunkSize(C).capacity(64L << 20)
                .heartbeat(Duration.ofMillis(200)).gcGrace(Duration.ofSeconds(1)).safeModeTimeout(Duration.ofSeconds(30))
                .start()) {
            Cluster c = mc.client();
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("/a", put(c, "/a", 12 * C, 1));
            files.put("/b", put(c, "/b", 7 * C + 5, 2));
            files.put("/gone", put(c, "/gone", 3 * C, 3));
            Path backup = tmp.resolve("meta-backup.db");
            try (OutputStream out = Files.newOutputStream(backup)) {
                assertThat(c.master().backup(out)).isPositive(); // cairn admin backup FILE
            }

            // after the backup: datanode 0 is drained (its chunks copied to datanode 1, then trimmed from it),
            // /gone is deleted, and /later is written
            String drained = mc.datanode(0).nodeId();
            assertThat(mc.chunkFiles(0)).isNotEmpty();
            c.master().decommission(drained);
            Eventually.await("datanode 0's disk is empty", Duration.ofSeconds(60), Duration.ofMillis(100),
                    () -> mc.chunkFiles(0).size(), n -> n == 0);
            List<String> goneChunks = new ArrayList<>();
            chunks(c, "/gone").forEach(ch -> goneChunks.add(ch.id()));
            c.master().unlink("/gone");
            put(c, "/later", 4 * C, 4);
            Eventually.await("the chunks of /gone are deleted", Duration.ofSeconds(30), Duration.ofMillis(100),
                    () -> goneChunks.stream().allMatch(id -> onDisk(mc, id).isEmpty()), done -> done);

            // restore: stop the master, copy the backup over meta.db, start it again
            mc.stopMaster();
            Files.copy(backup, mc.masterDir().resolve("meta.db"), StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(mc.masterDir().resolve("meta.db-wal"));
            Files.deleteIfExists(mc.masterDir().resolve("meta.db-shm"));
            mc.startMaster();
            mc.waitForLive(2, Duration.ofSeconds(30));
            Eventually.await("safe mode is over", Duration.ofSeconds(60), Duration.ofMillis(100),
                    () -> c.master().fsck("/").safeMode(), safe -> !safe);

            // every file of the backup whose chunks are still on some datanode
            List<String> whole = new ArrayList<>();
            for (String p : files.keySet()) {
                if (chunks(c, p).stream().allMatch(ch -> !onDisk(mc, ch.id()).isEmpty())) {
                    whole.add(p);
                }
            }
            assertThat(whole).as("/gone was deleted after the backup, and its chunks with it").containsExactly("/a", "/b");
            Eventually.await("the master believes what the disks hold", Duration.ofSeconds(60), Duration.ofMillis(100),
                    () -> rowsMatchDisks(mc, c, whole), done -> done);
            for (String p : whole) {
                assertThat(get(c, p)).as(p).isEqualTo(files.get(p));
            }
            // the chunks of /later, unknown to the backup, go after the grace period; nothing else does
            int kept = chunks(c, "/a").size() + chunks(c, "/b").size();
            Eventually.await("only the backup's chunks are left on disk", Duration.ofSeconds(60), Duration.ofMillis(100),
                    () -> chunkFiles(mc), n -> n == kept);
            assertThat(rowsMatchDisks(mc, c, whole)).isTrue();
            for (String p : whole) {
                assertThat(get(c, p)).as(p).isEqualTo(files.get(p));
                for (ChunkRef ch : chunks(c, p)) {
                    assertThat(ch.replicas()).extracting(Replica::id).hasSize(1);
                }
            }
        }
    }
}
