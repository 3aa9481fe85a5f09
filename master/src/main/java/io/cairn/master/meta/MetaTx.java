package io.cairn.master.meta;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.FileType;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The row-level operations of one open transaction, in plain SQL that SQLite and PostgreSQL both
 * speak. The namespace rules live above it, in {@code io.cairn.master.namespace}.
 */
public final class MetaTx {
    private final Connection c;

    MetaTx(Connection c) {
        this.c = c;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Binder b, RowMapper<T> m) throws IOException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            b.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(m.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw storeError(e);
        }
    }

    private int update(String sql, Binder b) throws IOException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            b.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw storeError(e);
        }
    }

    static CairnException storeError(SQLException e) {
        return new CairnException(ErrorCode.EIO, "metadata store error: " + e.getMessage(), e);
    }

    // ---- meta key/value

    public String meta(String key) throws IOException {
        List<String> v = query("SELECT value FROM meta WHERE key = ?", ps -> ps.setString(1, key), rs -> rs.getString(1));
        return v.isEmpty() ? null : v.get(0);
    }

    public void setMeta(String key, String value) throws IOException {
        update("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                ps -> {
                    ps.setString(1, key);
                    ps.setString(2, value);
                });
    }

    // ---- inodes

    private static InodeRow inode(ResultSet rs) throws SQLException {
        return new InodeRow(rs.getLong("id"), FileType.valueOf(rs.getString("type")), rs.getInt("mode"),
                rs.getInt("uid"), rs.getInt("gid"), rs.getLong("size"), rs.getInt("nlink"), rs.getLong("atime_ns"),
                rs.getLong("mtime_ns"), rs.getLong("ctime_ns"), rs.getLong("rdev"), rs.getString("target"));
    }

    public InodeRow inode(long id) throws IOException {
        List<InodeRow> r = query("SELECT * FROM inodes WHERE id = ?", ps -> ps.setLong(1, id), MetaTx::inode);
        return r.isEmpty() ? null : r.get(0);
    }

    /** Inserts a new inode (its id is ignored) and returns it with the id it got. */
    public InodeRow insertInode(InodeRow n) throws IOException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO inodes(type, mode, uid, gid, size, nlink, atime_ns, "
                + "mtime_ns, ctime_ns, rdev, target) VALUES (?,?,?,?,?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, n.type().name());
            ps.setInt(2, n.mode());
            ps.setInt(3, n.uid());
            ps.setInt(4, n.gid());
            ps.setLong(5, n.size());
            ps.setInt(6, n.nlink());
            ps.setLong(7, n.atimeNs());
            ps.setLong(8, n.mtimeNs());
            ps.setLong(9, n.ctimeNs());
            ps.setLong(10, n.rdev());
            ps.setString(11, n.target());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                long id = keys.getLong(1);
                return new InodeRow(id, n.type(), n.mode(), n.uid(), n.gid(), n.size(), n.nlink(), n.atimeNs(),
                        n.mtimeNs(), n.ctimeNs(), n.rdev(), n.target());
            }
        } catch (SQLException e) {
            throw storeError(e);
        }
    }

    public void updateInode(InodeRow n) throws IOException {
        update("UPDATE inodes SET mode=?, uid=?, gid=?, size=?, nlink=?, atime_ns=?, mtime_ns=?, ctime_ns=? WHERE id=?",
                ps -> {
                    ps.setInt(1, n.mode());
                    ps.setInt(2, n.uid());
                    ps.setInt(3, n.gid());
                    ps.setLong(4, n.size());
                    ps.setInt(5, n.nlink());
                    ps.setLong(6, n.atimeNs());
                    ps.setLong(7, n.mtimeNs());
                    ps.setLong(8, n.ctimeNs());
                    ps.setLong(9, n.id());
                });
    }

    public void deleteInode(long id) throws IOException {
        update("DELETE FROM inodes WHERE id = ?", ps -> ps.setLong(1, id));
    }

    public long countInodes(FileType type) throws IOException {
        return query("SELECT COUNT(*) FROM inodes WHERE type = ?", ps -> ps.setString(1, type.name()),
                rs -> rs.getLong(1)).get(0);
    }

    // ---- directory entries

    public Long lookup(long parent, String name) throws IOException {
        List<Long> r = query("SELECT inode FROM dentries WHERE parent = ? AND name = ?", ps -> {
            ps.setLong(1, parent);
            ps.setString(2, name);
        }, rs -> rs.getLong(1));
        return r.isEmpty() ? null : r.get(0);
    }

    public record Entry(String name, InodeRow inode) {
    }

    /** Up to {@code limit} entries of a directory with names after {@code after}, in name order. */
    public List<Entry> list(long parent, String after, int limit) throws IOException {
        return query("SELECT d.name AS name, i.* FROM dentries d JOIN inodes i ON i.id = d.inode "
                + "WHERE d.parent = ? AND d.name > ? ORDER BY d.name LIMIT ?", ps -> {
                    ps.setLong(1, parent);
                    ps.setString(2, after == null ? "" : after);
                    ps.setInt(3, limit);
                }, rs -> new Entry(rs.getString("name"), inode(rs)));
    }

    public boolean hasEntries(long dir) throws IOException {
        return !query("SELECT 1 FROM dentries WHERE parent = ? LIMIT 1", ps -> ps.setLong(1, dir), rs -> 1).isEmpty();
    }

    public void insertEntry(long parent, String name, long inode) throws IOException {
        update("INSERT INTO dentries(parent, name, inode) VALUES (?, ?, ?)", ps -> {
            ps.setLong(1, parent);
            ps.setString(2, name);
            ps.setLong(3, inode);
        });
    }

    public void deleteEntry(long parent, String name) throws IOException {
        update("DELETE FROM dentries WHERE parent = ? AND name = ?", ps -> {
            ps.setLong(1, parent);
            ps.setString(2, name);
        });
    }

    // ---- chunks and replicas

    private static ChunkRow chunk(ResultSet rs) throws SQLException {
        return new ChunkRow(rs.getLong("inode"), rs.getLong("idx"), rs.getString("chunk_id"), rs.getLong("size"),
                rs.getLong("length"), rs.getLong("crc32c"));
    }

    public List<ChunkRow> chunks(long inode, long from, int limit) throws IOException {
        return query("SELECT * FROM chunks WHERE inode = ? AND idx >= ? ORDER BY idx LIMIT ?", ps -> {
            ps.setLong(1, inode);
            ps.setLong(2, from);
            ps.setInt(3, limit);
        }, MetaTx::chunk);
    }

    public ChunkRow chunk(long inode, long index) throws IOException {
        List<ChunkRow> r = query("SELECT * FROM chunks WHERE inode = ? AND idx = ?", ps -> {
            ps.setLong(1, inode);
            ps.setLong(2, index);
        }, MetaTx::chunk);
        return r.isEmpty() ? null : r.get(0);
    }

    /** Size and CRC32C recorded for a committed chunk, or null. */
    public long[] chunkSum(String chunkId) throws IOException {
        List<long[]> r = query("SELECT size, crc32c FROM chunks WHERE chunk_id = ? LIMIT 1", ps -> ps.setString(1, chunkId),
                rs -> new long[] {rs.getLong(1), rs.getLong(2)});
        return r.isEmpty() ? null : r.get(0);
    }

    public boolean chunkExists(String chunkId) throws IOException {
        return !query("SELECT 1 FROM chunks WHERE chunk_id = ? LIMIT 1", ps -> ps.setString(1, chunkId), rs -> 1).isEmpty();
    }

    public void putChunk(ChunkRow r) throws IOException {
        update("INSERT INTO chunks(inode, idx, chunk_id, size, length, crc32c) VALUES (?,?,?,?,?,?) "
                + "ON CONFLICT(inode, idx) DO UPDATE SET chunk_id = excluded.chunk_id, size = excluded.size, "
                + "length = excluded.length, crc32c = excluded.crc32c", ps -> {
                    ps.setLong(1, r.inode());
                    ps.setLong(2, r.index());
                    ps.setString(3, r.id());
                    ps.setLong(4, r.size());
                    ps.setLong(5, r.length());
                    ps.setLong(6, r.crc32c());
                });
    }

    public void deleteChunk(long inode, long index) throws IOException {
        update("DELETE FROM chunks WHERE inode = ? AND idx = ?", ps -> {
            ps.setLong(1, inode);
            ps.setLong(2, index);
        });
    }

    public long countChunks() throws IOException {
        return query("SELECT COUNT(*) FROM chunks", ps -> { }, rs -> rs.getLong(1)).get(0);
    }

    public List<String> replicas(String chunkId) throws IOException {
        return query("SELECT node_id FROM replicas WHERE chunk_id = ? ORDER BY node_id", ps -> ps.setString(1, chunkId),
                rs -> rs.getString(1));
    }

    public void addReplica(String chunkId, String nodeId) throws IOException {
        update("INSERT INTO replicas(chunk_id, node_id) VALUES (?, ?) ON CONFLICT DO NOTHING", ps -> {
            ps.setString(1, chunkId);
            ps.setString(2, nodeId);
        });
    }

    public void deleteReplicas(String chunkId) throws IOException {
        update("DELETE FROM replicas WHERE chunk_id = ?", ps -> ps.setString(1, chunkId));
    }

    // ---- garbage: dropped chunks waiting for their grace period to pass

    public void addGarbage(String chunkId, String nodeId, long sinceNs) throws IOException {
        update("INSERT INTO garbage(chunk_id, node_id, since_ns) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", ps -> {
            ps.setString(1, chunkId);
            ps.setString(2, nodeId);
            ps.setLong(3, sinceNs);
        });
    }

    /** Takes (returns and removes) up to {@code limit} garbage chunks of a node that were dropped before {@code beforeNs}. */
    public List<String> takeGarbage(String nodeId, long beforeNs, int limit) throws IOException {
        List<String> ids = query("SELECT chunk_id FROM garbage WHERE node_id = ? AND since_ns < ? LIMIT ?", ps -> {
            ps.setString(1, nodeId);
            ps.setLong(2, beforeNs);
            ps.setInt(3, limit);
        }, rs -> rs.getString(1));
        for (String id : ids) {
            update("DELETE FROM garbage WHERE chunk_id = ? AND node_id = ?", ps -> {
                ps.setString(1, id);
                ps.setString(2, nodeId);
            });
        }
        return ids;
    }

    // ---- datanodes the cluster has seen

    public record NodeRow(String id, String address) {
    }

    public List<NodeRow> nodes() throws IOException {
        return query("SELECT id, address FROM nodes ORDER BY id", ps -> { }, rs -> new NodeRow(rs.getString(1), rs.getString(2)));
    }

    public void upsertNode(String id, String address) throws IOException {
        update("INSERT INTO nodes(id, address) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET address = excluded.address",
                ps -> {
                    ps.setString(1, id);
                    ps.setString(2, address);
                });
    }

    // ---- repair

    /** A committed chunk with the nodes recorded as holding it. */
    public record ChunkReplicas(String id, long size, long crc32c, List<String> nodes) {
    }

    /** Up to {@code limit} committed chunks with ids after {@code after}, with their replicas. */
    public List<ChunkReplicas> chunkReplicas(String after, int limit) throws IOException {
        return query("SELECT c.chunk_id, MAX(c.size), MAX(c.crc32c), GROUP_CONCAT(r.node_id) FROM chunks c "
                + "LEFT JOIN replicas r ON r.chunk_id = c.chunk_id WHERE c.chunk_id > ? "
                + "GROUP BY c.chunk_id ORDER BY c.chunk_id LIMIT ?", ps -> {
                    ps.setString(1, after == null ? "" : after);
                    ps.setInt(2, limit);
                }, rs -> new ChunkReplicas(rs.getString(1), rs.getLong(2), rs.getLong(3),
                        rs.getString(4) == null ? List.of() : List.of(rs.getString(4).split(","))));
    }

    public void deleteReplica(String chunkId, String nodeId) throws IOException {
        update("DELETE FROM replicas WHERE chunk_id = ? AND node_id = ?", ps -> {
            ps.setString(1, chunkId);
            ps.setString(2, nodeId);
        });
    }

    public long countReplicasOn(String nodeId) throws IOException {
        return query("SELECT COUNT(*) FROM replicas WHERE node_id = ?", ps -> ps.setString(1, nodeId),
                rs -> rs.getLong(1)).get(0);
    }

    public void addBadReplica(String chunkId, String nodeId, long sinceNs) throws IOException {
        update("INSERT INTO bad_replicas(chunk_id, node_id, since_ns) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", ps -> {
            ps.setString(1, chunkId);
            ps.setString(2, nodeId);
            ps.setLong(3, sinceNs);
        });
    }

    public List<String> badReplicaChunks() throws IOException {
        return query("SELECT DISTINCT chunk_id FROM bad_replicas", ps -> { }, rs -> rs.getString(1));
    }

    public List<String> badNodes(String chunkId) throws IOException {
        return query("SELECT node_id FROM bad_replicas WHERE chunk_id = ?", ps -> ps.setString(1, chunkId),
                rs -> rs.getString(1));
    }

    public void clearBadReplicas(String chunkId) throws IOException {
        update("DELETE FROM bad_replicas WHERE chunk_id = ?", ps -> ps.setString(1, chunkId));
    }

    public List<String> decommissioning() throws IOException {
        return query("SELECT node_id FROM decommissioning", ps -> { }, rs -> rs.getString(1));
    }

    public void setDecommissioning(String nodeId) throws IOException {
        update("INSERT INTO decommissioning(node_id) VALUES (?) ON CONFLICT DO NOTHING", ps -> ps.setString(1, nodeId));
    }
}
