package io.cairn.master.meta;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The metadata schema as a list of numbered migrations. A new database runs them all; an older one
 * runs those past its {@code schema_version}, in one transaction, when the master starts.
 */
final class Schema {
    static final List<String[]> MIGRATIONS = List.of(
            // 1: the namespace, chunk lists, replicas, garbage, datanodes
            new String[] {
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
            },
            // 2: look-ups by chunk id and by garbage owner
            new String[] {
                "CREATE INDEX chunks_by_id ON chunks (chunk_id)",
                "CREATE INDEX garbage_by_node ON garbage (node_id, since_ns)",
                "CREATE INDEX dentries_by_inode ON dentries (inode)",
            },
            // 3: replicas by node (repair, decommission) and replicas found bad
            new String[] {
                "CREATE INDEX replicas_by_node ON replicas (node_id)",
                "CREATE TABLE bad_replicas (chunk_id TEXT NOT NULL, node_id TEXT NOT NULL, since_ns INTEGER NOT NULL,"
                        + " PRIMARY KEY (chunk_id, node_id))",
                "CREATE TABLE decommissioning (node_id TEXT PRIMARY KEY)",
            });

    static final int CURRENT = MIGRATIONS.size();

    private Schema() {
    }

    static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'")) {
            if (!rs.next()) {
                return 0;
            }
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
            return rs.next() ? Integer.parseInt(rs.getString(1)) : 0;
        }
    }

    /** Applies migrations {@code from+1 .. to} (the caller holds the transaction). */
    static void migrate(Connection c, int from, int to) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (int v = from + 1; v <= to; v++) {
                for (String sql : MIGRATIONS.get(v - 1)) {
                    s.executeUpdate(sql);
                }
                s.executeUpdate("INSERT INTO meta(key, value) VALUES ('schema_version', '" + v + "')"
                        + " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
            }
        }
    }
}
