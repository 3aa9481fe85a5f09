package io.cairn.it;

import io.cairn.common.client.Cluster;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import io.cairn.master.meta.MetaCopy;
import io.cairn.master.meta.PostgresDialect;
import io.cairn.master.meta.PostgresUrl;
import io.cairn.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code cairn admin migrate-meta}: a cluster's SQLite metadata, copied while its master is stopped
 * into an empty PostgreSQL database, serves every file back byte for byte through a master on
 * PostgreSQL; the copy is checked table by table, and a database that is not empty is refused.
 */
@Timeout(180)
class MigrateMetaIT {
    private static final int C = 64 << 10;

    private static PostgresDialect.Settings settings(TestPostgres.Database db) throws Exception {
        return PostgresUrl.parse(db.url(), null, db.password() == null ? Map.of() : Map.of("PGPASSWORD", db.password()));
    }

    private static byte[] get(Cluster c, String path) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.downloader(2).download(c.master().attr(path).inode(), out, n -> { });
        return out.toByteArray();
    }

    @Test
    void aMigratedClusterReadsEveryFileBackIdenticalThroughAMasterOnPostgres() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).replication(2).chunkSize(C).store(MiniCluster.Store.SQLITE)
                .start()) {
            Cluster c = mc.client();
            Map<String, byte[]> files = new LinkedHashMap<>();
            Random r = new Random(7);
            c.master().mkdir("/a/b", 0755, 0, 0, true);
            for (int i = 0; i < 12; i++) {
                String path = (i % 3 == 0 ? "/a/b/" : i % 3 == 1 ? "/a/" : "/") + "f" + i + (i == 5 ? "-ü" : "");
                byte[] data = new byte[i * 37_001 % (5 * C) + 1];
                r.nextBytes(data);
                Attr f = c.master().create(path, FileType.FILE, 0644, 0, 0, null, true);
                c.uploader(2).upload(f.inode(), C, new ByteArrayInputStream(data), n -> { });
                files.put(path, data);
            }
            c.master().symlink("/a/link", "b/f0", 0, 0);
            byte[] xattr = {0, 1, (byte) 0xfe, (byte) 0xff};
            c.master().setXattr("/a/b/f0", "user.bytes", xattr, 0);
            c.master().unlink("/a/f4"); // a file removed: its chunks are garbage the copy carries too
            files.remove("/a/f4");
            long inodesBefore = c.master().status().inodes();

            mc.stopMaster();
            TestPostgres.Database db = mc.postgresDatabase();
            List<MetaCopy.Table> tables = MetaCopy.copy(mc.masterDir().resolve("meta.db"), settings(db));
            assertThat(tables).extracting(MetaCopy.Table::name).contains("inodes", "dentries", "chunks", "replicas", "meta");
            assertThat(tables).filteredOn(t -> t.name().equals("dentries")).singleElement()
                    .satisfies(t -> assertThat(t.rows()).isEqualTo(files.size() + 3)); // the files, /a, /a/b, /a/link

            assertThatThrownBy(() -> MetaCopy.copy(mc.masterDir().resolve("meta.db"), settings(db)))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EEXIST))
                    .hasMessageContaining("not empty");

            mc.restartMasterOnPostgres();
            mc.waitForLive(2, java.time.Duration.ofSeconds(30));
            assertThat(c.master().status().inodes()).isEqualTo(inodesBefore);
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                assertThat(get(c, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
            assertThat(c.master().attr("/a/link").type()).isEqualTo(FileType.SYMLINK);
            assertThat(c.master().getXattr("/a/b/f0", "user.bytes")).isEqualTo(xattr); // raw bytes, as they were
            // new inodes continue past the copied ones
            Attr fresh = c.master().create("/after", FileType.FILE, 0644, 0, 0, null, true);
            assertThat(fresh.inode()).isGreaterThan(c.master().attr("/a/b/f9").inode());
        }
    }
}
