package io.cairn.master.meta;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaUpgradeTest {
    @TempDir
    Path dir;

    @Test
    void anOlderDatabaseIsUpgradedOnOpenAndKeepsItsRows() throws Exception {
        Path db = dir.resolve("meta.db");
        try (JdbcMetadataStore old = JdbcMetadataStore.sqlite(db, 1)) {
            assertThat(old.schemaVersion()).isEqualTo(1);
            old.write(tx -> {
                tx.setMeta("cluster_id", "c-1");
                tx.upsertNode("n1", "http://127.0.0.1:6000");
                return null;
            });
        }
        try (JdbcMetadataStore upgraded = JdbcMetadataStore.sqlite(db)) {
            assertThat(upgraded.schemaVersion()).isEqualTo(Schema.CURRENT).isGreaterThan(1);
            assertThat(upgraded.<String>read(tx -> tx.meta("cluster_id"))).isEqualTo("c-1");
            assertThat(upgraded.read(MetaTx::nodes)).hasSize(1);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'chunks_by_id'")) {
            assertThat(rs.next()).as("migration 2 created its index").isTrue();
        }
    }

    @Test
    void aFailedTransactionLeavesNothingBehind() throws Exception {
        try (JdbcMetadataStore s = JdbcMetadataStore.sqlite(dir.resolve("m.db"))) {
            try {
                s.write(tx -> {
                    tx.setMeta("k", "v");
                    throw new java.io.IOException("boom");
                });
            } catch (java.io.IOException expected) {
                assertThat(expected).hasMessage("boom");
            }
            assertThat(s.<String>read(tx -> tx.meta("k"))).isNull();
        }
    }

    @Test
    void backupWritesAConsistentCopy() throws Exception {
        try (JdbcMetadataStore s = JdbcMetadataStore.sqlite(dir.resolve("m.db"))) {
            s.write(tx -> {
                tx.setMeta("k", "v");
                return null;
            });
            Path copy = dir.resolve("backup.db");
            s.backup(copy);
            try (JdbcMetadataStore b = JdbcMetadataStore.sqlite(copy)) {
                assertThat(b.<String>read(tx -> tx.meta("k"))).isEqualTo("v");
            }
        }
    }

    /** The schema of version 3 exactly as the release before the orphans table wrote it. */
    private static final String[] VERSION_3 = {
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE inodes (id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, mode INTEGER NOT NULL,"
                + " uid INTEGER NOT NULL, gid INTEGER NOT NULL, size INTEGER NOT NULL, nlink INTEGER NOT NULL,"
                + " atime_ns INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,"
                + " rdev INTEGER NOT NULL DEFAULT 0, target TEXT)",
        "CREATE TABLE dentries (parent INTEGER NOT NULL, name TEXT NOT NULL, inode INTEGER NOT NULL,"
                + " PRIMARY KEY (parent, name))",
        "CREATE TABLE chunks (inode INTEGER NOT NULL, idx INTEGER NOT NULL, chunk_id TEXT NOT NULL,"
                + " size INTEGER NOT NULL, length INTEGER NOT NULL, crc32c INTEGER NOT NULL, PRIMARY KEY (inode, idx))",
        "CREATE TABLE replicas (chunk_id TEXT NOT NULL, node_id TEXT NOT NULL, PRIMARY KEY (chunk_id, node_id))",
        "CREATE TABLE garbage (chunk_id TEXT NOT NULL, node_id TEXT NOT NULL, since_ns INTEGER NOT NULL,"
                + " PRIMARY KEY (chunk_id, node_id))",
        "CREATE TABLE nodes (id TEXT PRIMARY KEY, address TEXT NOT NULL)",
        "CREATE INDEX chunks_by_id ON chunks (chunk_id)",
        "CREATE INDEX garbage_by_node ON garbage (node_id, since_ns)",
        "CREATE INDEX dentries_by_inode ON dentries (inode)",
        "CREATE INDEX replicas_by_node ON replicas (node_id)",
        "CREATE TABLE bad_replicas (chunk_id TEXT NOT NULL, node_id TEXT NOT NULL, since_ns INTEGER NOT NULL,"
                + " PRIMARY KEY (chunk_id, node_id))",
        "CREATE TABLE decommissioning (node_id TEXT PRIMARY KEY)",
    };

    private static List<String> schemaOf(Path db, String where) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"
                     + where + " ORDER BY name")) {
            while (rs.next()) {
                out.add(rs.getString(1).replaceAll("\\s+", " "));
            }
        }
        return out;
    }

    @Test
    void aVersion3DatabaseOfThePreviousReleaseOpensKeepsItsRowsAndGainsTheOrphansTable() throws Exception {
        Path db = dir.resolve("v3.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            for (String sql : VERSION_3) {
                s.executeUpdate(sql);
            }
            s.executeUpdate("INSERT INTO meta(key, value) VALUES ('schema_version', '3'), ('cluster_id', 'c-3')");
            s.executeUpdate("INSERT INTO inodes(type, mode, uid, gid, size, nlink, atime_ns, mtime_ns, ctime_ns)"
                    + " VALUES ('DIR', 493, 0, 0, 0, 2, 1, 1, 1), ('FILE', 420, 0, 0, 0, 1, 1, 1, 1)");
            s.executeUpdate("INSERT INTO dentries(parent, name, inode) VALUES (1, 'f', 2)");
            s.executeUpdate("DELETE FROM inodes WHERE id = 2");
            s.executeUpdate("DELETE FROM dentries WHERE inode = 2");
        }
        try (JdbcMetadataStore upgraded = JdbcMetadataStore.sqlite(db)) {
            assertThat(upgraded.schemaVersion()).isEqualTo(Schema.CURRENT).isEqualTo(13);
            assertThat(upgraded.<String>read(tx -> tx.meta("cluster_id"))).isEqualTo("c-3");
            InodeRow n = upgraded.write(tx -> tx.insertInode(new InodeRow(0, io.cairn.common.wire.FileType.FILE, 0644,
                    0, 0, 0, 1, 1, 1, 1, 0, null)));
            assertThat(n.id()).as("an inode id is never handed out twice").isEqualTo(3);
            upgraded.write(tx -> {
                tx.addOrphan("0123456789abcdef0123456789abcdef", "n1", 5);
                return null;
            });
            assertThat(upgraded.<List<String>>write(tx -> tx.takeOrphans("n1", 5, 10)))
                    .containsExactly("0123456789abcdef0123456789abcdef");
            // and the tables of version 5: leases, report generations, deletions handed out, answers
            upgraded.write(tx -> {
                tx.putLease("0123456789abcdef0123456789abcdef", 3, 99);
                tx.upsertNode("n1", "http://127.0.0.1:6000");
                tx.beginReport("n1");
                tx.addReplica("0123456789abcdef0123456789abcdef", "n1");
                tx.addGarbage("0123456789abcdef0123456789abcdef", "n2", 1);
                tx.handOutGarbage("0123456789abcdef0123456789abcdef", "n2", 7);
                tx.putAnswer("00000000000000000000000000000001", "mkdir", "{}", 5);
                tx.putXattr(3, "user.k", new byte[] {0, (byte) 0xff}); // version 6: extended attributes
                tx.insertToken(new MetaTx.TokenRow("proj", "h1", "read-write", 1, 0, "t", "/projects", "1000-1999",
                        null, true)); // versions 7 and 8
                tx.insertToken(new MetaTx.TokenRow("all", "h2", "read-only", 1, 0, "t"));
                return null;
            });
            assertThat(upgraded.<List<MetaTx.TokenRow>>read(MetaTx::tokens)).containsExactly(
                    new MetaTx.TokenRow("all", "h2", "read-only", 1, 0, "t"),
                    new MetaTx.TokenRow("proj", "h1", "read-write", 1, 0, "t", "/projects", "1000-1999", null, true));
            assertThat(upgraded.<byte[]>read(tx -> tx.xattr(3, "user.k"))).containsExactly(0, 0xff);
            upgraded.read(tx -> {
                assertThat(tx.lease("0123456789abcdef0123456789abcdef").expiresMs()).isEqualTo(99);
                assertThat(tx.reportGeneration("n1")).isEqualTo(1);
                assertThat(tx.garbage("0123456789abcdef0123456789abcdef", "n2").handedMs()).isEqualTo(7);
                assertThat(tx.answer("00000000000000000000000000000001").op()).isEqualTo("mkdir");
                return null;
            });
            // version 11: cluster events
            long first = upgraded.write(tx -> tx.addEvent(5, "node.dead", "n1", null, "datanode n1 is dead"));
            assertThat(upgraded.<List<MetaTx.EventRow>>read(tx -> tx.events(0, 10)))
                    .containsExactly(new MetaTx.EventRow(first, 5, "node.dead", "n1", null, "datanode n1 is dead"));
        }
    }

    /** The columns of {@code table}, in order. */
    private static List<String> columnsOf(Path db, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                out.add(rs.getString("name") + " " + rs.getString("type") + (rs.getBoolean("notnull") ? " NOT NULL" : ""));
            }
        }
        return out;
    }

    @Test
    void aNewDatabaseHasThePreviousReleasesTablesWithTheirColumnsAndAnUpgradedOneHasTheSameSchema() throws Exception {
        Path old = dir.resolve("old.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement s = c.createStatement()) {
            for (String sql : VERSION_3) {
                s.executeUpdate(sql);
            }
        }
        List<String> tables = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old);
             ResultSet rs = c.createStatement().executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        Path fresh = dir.resolve("fresh.db");
        JdbcMetadataStore.sqlite(fresh).close();
        for (String t : tables) { // columns are only ever added, at the end
            List<String> before = columnsOf(old, t);
            assertThat(columnsOf(fresh, t).subList(0, before.size())).as(t).isEqualTo(before);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO meta(key, value) VALUES ('schema_version', '3')");
        }
        JdbcMetadataStore.sqlite(old).close(); // upgraded from version 3
        assertThat(schemaOf(old, "")).isEqualTo(schemaOf(fresh, ""));
    }
}
