package io.cairn.master.meta;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The metadata schema as a list of numbered migrations, written once for every engine: the dialect
 * only names the column types. A new database runs them all; an older one runs those past its
 * {@code schema_version}, in one transaction, when the master starts.
 */
final class Schema {
    /** How many migrations there are: the version of a database that has run them all. */
    static final int CURRENT = 13;

    private Schema() {
    }

    static List<List<String>> migrations(Dialect d) {
        String id = d.identity();
        String i64 = d.bigint();
        String i32 = d.integer();
        String text = d.text();
        String bytes = d.bytes();
        return List.of(
                // 1: the namespace, chunk lists, replicas, garbage, datanodes
                List.of("CREATE TABLE meta (key " + text + " PRIMARY KEY, value " + text + " NOT NULL)",
                        "CREATE TABLE inodes (id " + id + ", type " + text + " NOT NULL, mode " + i32 + " NOT NULL,"
                                + " uid " + i32 + " NOT NULL, gid " + i32 + " NOT NULL, size " + i64 + " NOT NULL,"
                                + " nlink " + i32 + " NOT NULL, atime_ns " + i64 + " NOT NULL, mtime_ns " + i64 + " NOT NULL,"
                                + " ctime_ns " + i64 + " NOT NULL, rdev " + i64 + " NOT NULL DEFAULT 0, target " + text + ")",
                        "CREATE TABLE dentries (parent " + i64 + " NOT NULL, name " + text + " NOT NULL, inode " + i64
                                + " NOT NULL, PRIMARY KEY (parent, name))",
                        "CREATE TABLE chunks (inode " + i64 + " NOT NULL, idx " + i64 + " NOT NULL, chunk_id " + text
                                + " NOT NULL, size " + i64 + " NOT NULL, length " + i64 + " NOT NULL, crc32c " + i64
                                + " NOT NULL, PRIMARY KEY (inode, idx))",
                        "CREATE TABLE replicas (chunk_id " + text + " NOT NULL, node_id " + text + " NOT NULL,"
                                + " PRIMARY KEY (chunk_id, node_id))",
                        "CREATE TABLE garbage (chunk_id " + text + " NOT NULL, node_id " + text + " NOT NULL, since_ns "
                                + i64 + " NOT NULL, PRIMARY KEY (chunk_id, node_id))",
                        "CREATE TABLE nodes (id " + text + " PRIMARY KEY, address " + text + " NOT NULL)"),
                // 2: look-ups by chunk id and by garbage owner
                List.of("CREATE INDEX chunks_by_id ON chunks (chunk_id)",
                        "CREATE INDEX garbage_by_node ON garbage (node_id, since_ns)",
                        "CREATE INDEX dentries_by_inode ON dentries (inode)"),
                // 3: replicas by node (repair, decommission) and replicas found bad
                List.of("CREATE INDEX replicas_by_node ON replicas (node_id)",
                        "CREATE TABLE bad_replicas (chunk_id " + text + " NOT NULL, node_id " + text + " NOT NULL,"
                                + " since_ns " + i64 + " NOT NULL, PRIMARY KEY (chunk_id, node_id))",
                        "CREATE TABLE decommissioning (node_id " + text + " PRIMARY KEY)"),
                // 4: chunks a datanode reported that no file uses, kept until the orphan grace period ends
                List.of("CREATE TABLE orphans (chunk_id " + text + " NOT NULL, node_id " + text + " NOT NULL,"
                                + " first_seen_ms " + i64 + " NOT NULL, PRIMARY KEY (chunk_id, node_id))",
                        "CREATE INDEX orphans_by_node ON orphans (node_id, first_seen_ms)"),
                // 5: leases on chunks allocated and not yet committed; a generation per node, so that a
                // node's full report replaces its replica rows; deletes handed to a datanode and not yet
                // confirmed; the answers to recent requests by request id
                List.of("CREATE TABLE leases (chunk_id " + text + " PRIMARY KEY, inode " + i64 + " NOT NULL,"
                                + " expires_ms " + i64 + " NOT NULL)",
                        "CREATE INDEX leases_by_expiry ON leases (expires_ms)",
                        "ALTER TABLE nodes ADD COLUMN gen " + i64 + " NOT NULL DEFAULT 0",
                        "ALTER TABLE replicas ADD COLUMN gen " + i64 + " NOT NULL DEFAULT 0",
                        "ALTER TABLE garbage ADD COLUMN handed_ms " + i64,
                        "CREATE TABLE answers (request_id " + text + " PRIMARY KEY, op " + text + " NOT NULL,"
                                + " answer " + text + " NOT NULL, made_ms " + i64 + " NOT NULL)",
                        "CREATE INDEX answers_by_age ON answers (made_ms)"),
                // 6: extended attributes, by inode and name
                List.of("CREATE TABLE xattrs (inode " + i64 + " NOT NULL, name " + text + " NOT NULL, value " + bytes
                        + " NOT NULL, PRIMARY KEY (inode, name))"),
                // 7: bearer tokens (by name; only their hashes) and the datanodes that enrolled
                List.of("CREATE TABLE tokens (name " + text + " PRIMARY KEY, hash " + text + " NOT NULL UNIQUE, scope "
                                + text + " NOT NULL, created_ms " + i64 + " NOT NULL, expires_ms " + i64
                                + " NOT NULL DEFAULT 0, made_by " + text + " NOT NULL)",
                        "CREATE TABLE enrolled (node_id " + text + " PRIMARY KEY, enrolled_ms " + i64 + " NOT NULL)"),
                // 8: the directory a client token is confined to (null: the whole namespace), the uids and
                // gids it may give files (null: any) and whether it squashes root
                List.of("ALTER TABLE tokens ADD COLUMN subtree " + text,
                        "ALTER TABLE tokens ADD COLUMN uids " + text,
                        "ALTER TABLE tokens ADD COLUMN gids " + text,
                        "ALTER TABLE tokens ADD COLUMN squash_root " + i32 + " NOT NULL DEFAULT 0"),
                // 9: slices, ranges of small blobs laid over a chunk by random writes (in order of seq),
                // until a compaction merges them into a new chunk; one blob may hold several slices
                List.of("CREATE TABLE slices (inode " + i64 + " NOT NULL, idx " + i64 + " NOT NULL, seq " + i64
                                + " NOT NULL, chunk_id " + text + " NOT NULL, at " + i64 + " NOT NULL, blob_off " + i64
                                + " NOT NULL, size " + i64 + " NOT NULL, length " + i64 + " NOT NULL, crc32c " + i64
                                + " NOT NULL, PRIMARY KEY (inode, idx, seq))",
                        "CREATE INDEX slices_by_id ON slices (chunk_id)"),
                // 10: the nonces of signed datanode requests accepted, until they could no longer be
                // accepted anyway, so that no master of the cluster takes one twice
                List.of("CREATE TABLE nonces (nonce " + text + " PRIMARY KEY, expires_ms " + i64 + " NOT NULL)",
                        "CREATE INDEX nonces_by_expiry ON nonces (expires_ms)"),
                // 11: what happened to the cluster (datanodes, repair, corruption, safe mode), newest
                // rows kept, oldest deleted as new ones come (io.cairn.master.events.Events)
                List.of("CREATE TABLE events (id " + id + ", time_ms " + i64 + " NOT NULL, kind " + text + " NOT NULL,"
                        + " node " + text + ", chunk " + text + ", message " + text + " NOT NULL)"),
                // 12: the sessions of mounts, each renewed while its mount lives, and the locks held
                // through them (io.cairn.master.locks.Locks)
                List.of("CREATE TABLE sessions (id " + text + " PRIMARY KEY, name " + text + " NOT NULL, started_ms "
                                + i64 + " NOT NULL, expires_ms " + i64 + " NOT NULL)",
                        "CREATE INDEX sessions_by_expiry ON sessions (expires_ms)",
                        "CREATE TABLE locks (inode " + i64 + " NOT NULL, kind " + i32 + " NOT NULL, session " + text
                                + " NOT NULL, owner " + i64 + " NOT NULL, type " + i32 + " NOT NULL, start_at " + i64
                                + " NOT NULL, end_at " + i64 + " NOT NULL, pid " + i32 + " NOT NULL)",
                        "CREATE INDEX locks_by_inode ON locks (inode, kind)",
                        "CREATE INDEX locks_by_session ON locks (session)"),
                // 13: files whose last name was removed while the removing mount had them open, kept
                // (with the directory that held that name) until that mount closes them or its session ends
                List.of("CREATE TABLE sustained (session " + text + " NOT NULL, inode " + i64 + " NOT NULL, parent "
                                + i64 + " NOT NULL, PRIMARY KEY (session, inode))",
                        "CREATE INDEX sustained_by_inode ON sustained (inode)"));
    }

    /** The schema version of the database {@code c} is open on; 0 for an empty database. */
    static int version(Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), "meta", new String[] {"TABLE"})) {
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
    static void migrate(Connection c, Dialect d, int from, int to) throws SQLException {
        List<List<String>> all = migrations(d);
        for (int v = from + 1; v <= to; v++) {
            try (Statement s = c.createStatement()) {
                for (String sql : all.get(v - 1)) {
                    s.executeUpdate(sql);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO meta(key, value) VALUES ('schema_version', ?)"
                    + " ON CONFLICT(key) DO UPDATE SET value = excluded.value")) {
                ps.setString(1, Integer.toString(v));
                ps.executeUpdate();
            }
        }
    }
}
