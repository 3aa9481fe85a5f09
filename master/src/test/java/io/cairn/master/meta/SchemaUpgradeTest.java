package io.cairn.master.meta;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaUpgradeTest {
    @TempDir
    Path dir;

    @Test
    void anOlderDatabaseIsUpgradedOnOpenAndKeepsItsRows() throws Exception {
        Path db = dir.resolve("meta.db");
        try (SqliteMetadataStore old = SqliteMetadataStore.open(db, 1)) {
            assertThat(old.schemaVersion()).isEqualTo(1);
            old.write(tx -> {
                tx.setMeta("cluster_id", "c-1");
                tx.upsertNode("n1", "http://127.0.0.1:6000");
                return null;
            });
        }
        try (SqliteMetadataStore upgraded = SqliteMetadataStore.open(db)) {
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
        try (SqliteMetadataStore s = SqliteMetadataStore.open(dir.resolve("m.db"))) {
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
        try (SqliteMetadataStore s = SqliteMetadataStore.open(dir.resolve("m.db"))) {
            s.write(tx -> {
                tx.setMeta("k", "v");
                return null;
            });
            Path copy = dir.resolve("backup.db");
            s.backup(copy);
            try (SqliteMetadataStore b = SqliteMetadataStore.open(copy)) {
                assertThat(b.<String>read(tx -> tx.meta("k"))).isEqualTo("v");
            }
        }
    }
}
