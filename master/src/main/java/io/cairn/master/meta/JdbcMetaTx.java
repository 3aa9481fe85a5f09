package io.cairn.master.meta;

import io.cairn.common.error.CairnException;
import io.cairn.common.wire.FileType;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link MetaTx} over one JDBC connection inside a transaction the store began. Every statement is
 * SQL that SQLite and PostgreSQL both accept. The first statement that fails is remembered: the
 * store then treats the whole transaction as failed, as PostgreSQL does, whatever the body did.
 */
final class JdbcMetaTx implements MetaTx {
    private final Connection c;
    private SQLException failure;

    JdbcMetaTx(Connection c) {
        this.c = c;
    }

    /** The first statement failure of this transaction, or null. */
    SQLException failure() {
        return failure;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Binder b, RowMapper<T> m) throws IOException {
        List<T> out = new ArrayList<>();
        each(sql, b, rs -> out.add(m.map(rs)));
        return out;
    }

    private void each(String sql, Binder b, RowReader r) throws IOException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            b.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    r.read(rs);
                }
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

    private CairnException storeError(SQLException e) {
        if (failure == null) {
            failure = e;
        }
        return JdbcMetadataStore.storeError(e);
    }

    // ---- meta key/value

    @Override
    public String meta(String key) throws IOException {
        List<String> v = query("SELECT value FROM meta WHERE key = ?", ps -> ps.setString(1, key), rs -> rs.getString(1));
        return v.isEmpty() ? null : v.get(0);
    }

    @Override
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

    @Override
    public InodeRow inode(long id) throws IOException {
        List<InodeRow> r = query("SELECT * FROM inodes WHERE id = ?", ps -> ps.setLong(1, id), JdbcMetaTx::inode);
        return r.isEmpty() ? null : r.get(0);
    }

    @Override
    public InodeRow insertInode(InodeRow n) throws IOException {
        long id = query("INSERT INTO inodes(type, mode, uid, gid, size, nlink, atime_ns, mtime_ns, ctime_ns, rdev, target)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id", ps -> {
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
                }, rs -> rs.getLong(1)).get(0);
        return new InodeRow(id, n.type(), n.mode(), n.uid(), n.gid(), n.size(), n.nlink(), n.atimeNs(), n.mtimeNs(),
                n.ctimeNs(), n.rdev(), n.target());
    }

    @Override
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

    @Override
    public void deleteInode(long id) throws IOException {
        update("DELETE FROM xattrs WHERE inode = ?", ps -> ps.setLong(1, id));
        update("DELETE FROM inodes WHERE id = ?", ps -> ps.setLong(1, id));
    }

    // ---- sessions and locks

    @Override
    public void insertSession(String id, String name, long startedMs, long expiresMs) throws IOException {
        update("INSERT INTO sessions(id, name, started_ms, expires_ms) VALUES (?, ?, ?, ?)", ps -> {
            ps.setString(1, id);
            ps.setString(2, name);
            ps.setLong(3, startedMs);
            ps.setLong(4, expiresMs);
        });
    }

    @Override
    public Long sessionExpiry(String id) throws IOException {
        List<Long> r = query("SELECT expires_ms FROM sessions WHERE id = ?", ps -> ps.setString(1, id), rs -> rs.getLong(1));
        return r.isEmpty() ? null : r.get(0);
    }

    @Override
    public boolean renewSession(String id, long expiresMs) throws IOException {
        return update("UPDATE sessions SET expires_ms = ? WHERE id = ?", ps -> {
            ps.setLong(1, expiresMs);
            ps.setString(2, id);
        }) > 0;
    }

    @Override
    public int deleteSession(String id) throws IOException {
        int n = update("DELETE FROM locks WHERE session = ?", ps -> ps.setString(1, id));
        update("DELETE FROM sessions WHERE id = ?", ps -> ps.setString(1, id));
        return n;
    }

    @Override
    public List<String> expiredSessions(long nowMs, int limit) throws IOException {
        return query("SELECT id FROM sessions WHERE expires_ms < ? ORDER BY expires_ms LIMIT ?", ps -> {
            ps.setLong(1, nowMs);
            ps.setInt(2, limit);
        }, rs -> rs.getString(1));
    }

    @Override
    public int extendSessions(long expiresMs) throws IOException {
        return update("UPDATE sessions SET expires_ms = ? WHERE expires_ms < ?", ps -> {
            ps.setLong(1, expiresMs);
            ps.setLong(2, expiresMs);
        });
    }

    @Override
    public long countSessions() throws IOException {
        return query("SELECT COUNT(*) FROM sessions", ps -> { }, rs -> rs.getLong(1)).get(0);
    }

    @Override
    public List<LockRow> locks(long inode, int kind) throws IOException {
        return query("SELECT session, owner, type, start_at, end_at, pid FROM locks WHERE inode = ? AND kind = ?", ps -> {
            ps.setLong(1, inode);
            ps.setInt(2, kind);
        }, rs -> new LockRow(inode, kind, rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getLong(5),
                rs.getInt(6)));
    }

    @Override
    public void deleteLocks(long inode, int kind, String session, long owner) throws IOException {
        update("DELETE FROM locks WHERE inode = ? AND kind = ? AND session = ? AND owner = ?", ps -> {
            ps.setLong(1, inode);
            ps.setInt(2, kind);
            ps.setString(3, session);
            ps.setLong(4, owner);
        });
    }

    @Override
    public void insertLock(LockRow l) throws IOException {
        update("INSERT INTO locks(inode, kind, session, owner, type, start_at, end_at, pid) VALUES (?,?,?,?,?,?,?,?)",
                ps -> {
                    ps.setLong(1, l.inode());
                    ps.setInt(2, l.kind());
                    ps.setString(3, l.session());
                    ps.setLong(4, l.owner());
                    ps.setInt(5, l.type());
                    ps.setLong(6, l.start());
                    ps.setLong(7, l.end());
                    ps.setInt(8, l.pid());
                });
    }

    @Override
    public void insertSustained(String session, long inode, long parent) throws IOException {
        update("INSERT INTO sustained(session, inode, parent) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", ps -> {
            ps.setString(1, session);
            ps.setLong(2, inode);
            ps.setLong(3, parent);
        });
    }

    @Override
    public boolean deleteSustained(String session, long inode) throws IOException {
        return update("DELETE FROM sustained WHERE session = ? AND inode = ?", ps -> {
            ps.setString(1, session);
            ps.setLong(2, inode);
        }) > 0;
    }

    @Override
    public boolean sustained(long inode) throws IOException {
        return !query("SELECT 1 FROM sustained WHERE inode = ? LIMIT 1", ps -> ps.setLong(1, inode), rs -> 1).isEmpty();
    }

    @Override
    public List<Long> sustainedParents(long inode) throws IOException {
        return query("SELECT DISTINCT parent FROM sustained WHERE inode = ? ORDER BY parent LIMIT ?", ps -> {
            ps.setLong(1, inode);
            ps.setInt(2, PARENTS_MOST);
        }, rs -> rs.getLong(1));
    }

    @Override
    public List<Long> sustainedBy(String session, int limit) throws IOException {
        return query("SELECT inode FROM sustained WHERE session = ? ORDER BY inode LIMIT ?", ps -> {
            ps.setString(1, session);
            ps.setInt(2, limit);
        }, rs -> rs.getLong(1));
    }

    @Override
    public long countLocks(String session) throws IOException {
        return query("SELECT COUNT(*) FROM locks WHERE session = ?", ps -> ps.setString(1, session), rs -> rs.getLong(1))
                .get(0);
    }

    @Override
    public byte[] xattr(long inode, String name) throws IOException {
        List<byte[]> v = query("SELECT value FROM xattrs WHERE inode = ? AND name = ?", ps -> {
            ps.setLong(1, inode);
            ps.setString(2, name);
        }, rs -> rs.getBytes(1));
        return v.isEmpty() ? null : v.get(0);
    }

    @Override
    public List<String> xattrNames(long inode) throws IOException {
        return query("SELECT name FROM xattrs WHERE inode = ? ORDER BY name", ps -> ps.setLong(1, inode),
                rs -> rs.getString(1));
    }

    @Override
    public void putXattr(long inode, String name, byte[] value) throws IOException {
        update("INSERT INTO xattrs(inode, name, value) VALUES (?, ?, ?)"
                + " ON CONFLICT(inode, name) DO UPDATE SET value = excluded.value", ps -> {
                    ps.setLong(1, inode);
                    ps.setString(2, name);
                    ps.setBytes(3, value);
                });
    }

    @Override
    public boolean deleteXattr(long inode, String name) throws IOException {
        return update("DELETE FROM xattrs WHERE inode = ? AND name = ?", ps -> {
            ps.setLong(1, inode);
            ps.setString(2, name);
        }) > 0;
    }

    @Override
    public long countInodes(FileType type) throws IOException {
        return query("SELECT COUNT(*) FROM inodes WHERE type = ?", ps -> ps.setString(1, type.name()),
                rs -> rs.getLong(1)).get(0);
    }

    // ---- directory entries

    @Override
    public Long lookup(long parent, String name) throws IOException {
        List<Long> r = query("SELECT inode FROM dentries WHERE parent = ? AND name = ?", ps -> {
            ps.setLong(1, parent);
            ps.setString(2, name);
        }, rs -> rs.getLong(1));
        return r.isEmpty() ? null : r.get(0);
    }

    @Override
    public List<Long> parents(long inode) throws IOException {
        return query("SELECT parent FROM dentries WHERE inode = ? ORDER BY parent LIMIT ?", ps -> {
            ps.setLong(1, inode);
            ps.setInt(2, PARENTS_MOST);
        }, rs -> rs.getLong(1));
    }

    @Override
    public Name anyName(long inode) throws IOException {
        List<Name> n = query("SELECT parent, name FROM dentries WHERE inode = ? ORDER BY parent, name LIMIT 1",
                ps -> ps.setLong(1, inode), rs -> new Name(rs.getLong(1), rs.getString(2)));
        return n.isEmpty() ? null : n.get(0);
    }

    @Override
    public Long inodeOfChunk(String chunkId) throws IOException {
        List<Long> a = query("SELECT inode FROM chunks WHERE chunk_id = ? LIMIT 1", ps -> ps.setString(1, chunkId),
                rs -> rs.getLong(1));
        if (a.isEmpty()) {
            a = query("SELECT inode FROM slices WHERE chunk_id = ? LIMIT 1", ps -> ps.setString(1, chunkId),
                    rs -> rs.getLong(1));
        }
        return a.isEmpty() ? null : a.get(0);
    }

    @Override
    public List<Entry> list(long parent, String after, int limit) throws IOException {
        return query("SELECT d.name AS name, i.* FROM dentries d JOIN inodes i ON i.id = d.inode "
                + "WHERE d.parent = ? AND d.name > ? ORDER BY d.name LIMIT ?", ps -> {
                    ps.setLong(1, parent);
                    ps.setString(2, after == null ? "" : after);
                    ps.setInt(3, limit);
                }, rs -> new Entry(rs.getString("name"), inode(rs)));
    }

    @Override
    public boolean hasEntries(long dir) throws IOException {
        return !query("SELECT 1 FROM dentries WHERE parent = ? LIMIT 1", ps -> ps.setLong(1, dir), rs -> 1).isEmpty();
    }

    @Override
    public void insertEntry(long parent, String name, long inode) throws IOException {
        update("INSERT INTO dentries(parent, name, inode) VALUES (?, ?, ?)", ps -> {
            ps.setLong(1, parent);
            ps.setString(2, name);
            ps.setLong(3, inode);
        });
    }

    @Override
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

    @Override
    public List<ChunkRow> chunks(long inode, long from, int limit) throws IOException {
        return query("SELECT * FROM chunks WHERE inode = ? AND idx >= ? ORDER BY idx LIMIT ?", ps -> {
            ps.setLong(1, inode);
            ps.setLong(2, from);
            ps.setInt(3, limit);
        }, JdbcMetaTx::chunk);
    }

    @Override
    public ChunkRow chunk(long inode, long index) throws IOException {
        List<ChunkRow> r = query("SELECT * FROM chunks WHERE inode = ? AND idx = ?", ps -> {
            ps.setLong(1, inode);
            ps.setLong(2, index);
        }, JdbcMetaTx::chunk);
        return r.isEmpty() ? null : r.get(0);
    }

    @Override
    public boolean chunkExists(String chunkId) throws IOException {
        return !query("SELECT 1 FROM chunks WHERE chunk_id = ? LIMIT 1", ps -> ps.setString(1, chunkId), rs -> 1).isEmpty()
                || !query("SELECT 1 FROM slices WHERE chunk_id = ? LIMIT 1", ps -> ps.setString(1, chunkId), rs -> 1)
                .isEmpty();
    }

    private static SliceRow slice(ResultSet rs) throws SQLException {
        return new SliceRow(rs.getLong("inode"), rs.getLong("idx"), rs.getLong("seq"), rs.getString("chunk_id"),
                rs.getLong("at"), rs.getLong("blob_off"), rs.getLong("size"), rs.getLong("length"), rs.getLong("crc32c"));
    }

    @Override
    public List<SliceRow> slices(long inode, long fromIndex, long toIndex, int limit) throws IOException {
        return query("SELECT * FROM slices WHERE inode = ? AND idx >= ? AND idx <= ? ORDER BY idx, seq LIMIT ?", ps -> {
            ps.setLong(1, inode);
            ps.setLong(2, fromIndex);
            ps.setLong(3, toIndex);
            ps.setInt(4, limit);
        }, JdbcMetaTx::slice);
    }

    @Override
    public int countSlices(long inode, long index) throws IOException {
        return query("SELECT COUNT(*) FROM slices WHERE inode = ? AND idx = ?", ps -> {
            ps.setLong(1, inode);
            ps.setLong(2, index);
        }, rs -> rs.getInt(1)).get(0);
    }

    @Override
    public void insertSlice(SliceRow r) throws IOException {
        update("INSERT INTO slices(inode, idx, seq, chunk_id, at, blob_off, size, length, crc32c)"
                + " VALUES (?,?,?,?,?,?,?,?,?)", ps -> {
                    ps.setLong(1, r.inode());
                    ps.setLong(2, r.index());
                    ps.setLong(3, r.seq());
                    ps.setString(4, r.id());
                    ps.setLong(5, r.at());
                    ps.setLong(6, r.off());
                    ps.setLong(7, r.size());
                    ps.setLong(8, r.length());
                    ps.setLong(9, r.crc32c());
                });
    }

    @Override
    public void setSliceLength(long inode, long index, long seq, long length) throws IOException {
        update("UPDATE slices SET length = ? WHERE inode = ? AND idx = ? AND seq = ?", ps -> {
            ps.setLong(1, length);
            ps.setLong(2, inode);
            ps.setLong(3, index);
            ps.setLong(4, seq);
        });
    }

    @Override
    public void deleteSlice(long inode, long index, long seq) throws IOException {
        update("DELETE FROM slices WHERE inode = ? AND idx = ? AND seq = ?", ps -> {
            ps.setLong(1, inode);
            ps.setLong(2, index);
            ps.setLong(3, seq);
        });
    }

    @Override
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

    @Override
    public void deleteChunk(long inode, long index) throws IOException {
        update("DELETE FROM chunks WHERE inode = ? AND idx = ?", ps -> {
            ps.setLong(1, inode);
            ps.setLong(2, index);
        });
    }

    @Override
    public long countChunks() throws IOException {
        return query("SELECT COUNT(*) FROM chunks", ps -> { }, rs -> rs.getLong(1)).get(0);
    }

    @Override
    public long fileBytes() throws IOException {
        return query("SELECT COALESCE(SUM(size), 0) FROM inodes WHERE type = ?", ps -> ps.setString(1, "FILE"),
                rs -> rs.getLong(1)).get(0);
    }

    @Override
    public long countGarbage() throws IOException {
        return query("SELECT COUNT(*) FROM garbage", ps -> { }, rs -> rs.getLong(1)).get(0);
    }

    @Override
    public List<String> replicas(String chunkId) throws IOException {
        return query("SELECT node_id FROM replicas WHERE chunk_id = ? ORDER BY node_id", ps -> ps.setString(1, chunkId),
                rs -> rs.getString(1));
    }

    @Override
    public void addReplica(String chunkId, String nodeId) throws IOException {
        update("INSERT INTO replicas(chunk_id, node_id, gen) VALUES (?, ?, COALESCE((SELECT gen FROM nodes WHERE id = ?), 0))"
                + " ON CONFLICT(chunk_id, node_id) DO UPDATE SET gen = excluded.gen", ps -> {
                    ps.setString(1, chunkId);
                    ps.setString(2, nodeId);
                    ps.setString(3, nodeId);
                });
    }

    @Override
    public void deleteReplicas(String chunkId) throws IOException {
        update("DELETE FROM replicas WHERE chunk_id = ?", ps -> ps.setString(1, chunkId));
    }

    // ---- garbage

    @Override
    public void addGarbage(String chunkId, String nodeId, long sinceNs) throws IOException {
        update("INSERT INTO garbage(chunk_id, node_id, since_ns) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", ps -> {
            ps.setString(1, chunkId);
            ps.setString(2, nodeId);
            ps.setLong(3, sinceNs);
        });
    }

    @Override
    public List<String> queuedGarbage(String nodeId, long beforeNs, int limit) throws IOException {
        return query("SELECT chunk_id FROM garbage WHERE node_id = ? AND since_ns < ? AND handed_ms IS NULL"
                + " ORDER BY since_ns, chunk_id LIMIT ?", ps -> {
                    ps.setString(1, nodeId);
                    ps.setLong(2, beforeNs);
                    ps.setInt(3, limit);
                }, rs -> rs.getString(1));
    }

    @Override
    public Garbage garbage(String chunkId, String nodeId) throws IOException {
        List<Garbage> g = query("SELECT handed_ms FROM garbage WHERE chunk_id = ? AND node_id = ?", ps -> {
            ps.setString(1, chunkId);
            ps.setString(2, nodeId);
        }, rs -> {
            long handed = rs.getLong(1);
            return new Garbage(chunkId, nodeId, rs.wasNull() ? null : handed);
        });
        return g.isEmpty() ? null : g.get(0);
    }

    @Override
    public void handOutGarbage(String chunkId, String nodeId, long handedMs) throws IOException {
        update("UPDATE garbage SET handed_ms = ? WHERE chunk_id = ? AND node_id = ?", ps -> {
            ps.setLong(1, handedMs);
            ps.setString(2, chunkId);
            ps.setString(3, nodeId);
        });
    }

    @Override
    public void deleteGarbage(String chunkId, String nodeId) throws IOException {
        update("DELETE FROM garbage WHERE chunk_id = ? AND node_id = ?", ps -> {
            ps.setString(1, chunkId);
            ps.setString(2, nodeId);
        });
    }

    @Override
    public void requeueGarbage(String nodeId) throws IOException {
        update("UPDATE garbage SET handed_ms = NULL WHERE node_id = ? AND handed_ms IS NOT NULL",
                ps -> ps.setString(1, nodeId));
    }

    // ---- generations of full reports

    @Override
    public long beginReport(String nodeId) throws IOException {
        update("UPDATE nodes SET gen = gen + 1 WHERE id = ?", ps -> ps.setString(1, nodeId));
        return reportGeneration(nodeId);
    }

    @Override
    public long reportGeneration(String nodeId) throws IOException {
        List<Long> g = query("SELECT gen FROM nodes WHERE id = ?", ps -> ps.setString(1, nodeId), rs -> rs.getLong(1));
        return g.isEmpty() ? 0 : g.get(0);
    }

    @Override
    public int dropReplicasBefore(String nodeId, long gen) throws IOException {
        return update("DELETE FROM replicas WHERE node_id = ? AND gen < ?", ps -> {
            ps.setString(1, nodeId);
            ps.setLong(2, gen);
        });
    }

    // ---- leases

    @Override
    public void putLease(String chunkId, long inode, long expiresMs) throws IOException {
        update("INSERT INTO leases(chunk_id, inode, expires_ms) VALUES (?, ?, ?)"
                + " ON CONFLICT(chunk_id) DO UPDATE SET inode = excluded.inode, expires_ms = excluded.expires_ms", ps -> {
                    ps.setString(1, chunkId);
                    ps.setLong(2, inode);
                    ps.setLong(3, expiresMs);
                });
    }

    @Override
    public Lease lease(String chunkId) throws IOException {
        List<Lease> l = query("SELECT inode, expires_ms FROM leases WHERE chunk_id = ?", ps -> ps.setString(1, chunkId),
                rs -> new Lease(chunkId, rs.getLong(1), rs.getLong(2)));
        return l.isEmpty() ? null : l.get(0);
    }

    @Override
    public void deleteLease(String chunkId) throws IOException {
        update("DELETE FROM leases WHERE chunk_id = ?", ps -> ps.setString(1, chunkId));
    }

    @Override
    public int deleteLeasesBefore(long beforeMs, int limit) throws IOException {
        return update("DELETE FROM leases WHERE chunk_id IN (SELECT chunk_id FROM leases WHERE expires_ms < ? LIMIT ?)",
                ps -> {
                    ps.setLong(1, beforeMs);
                    ps.setInt(2, limit);
                });
    }

    // ---- answers to recent requests

    @Override
    public Answer answer(String requestId) throws IOException {
        List<Answer> a = query("SELECT op, answer FROM answers WHERE request_id = ?", ps -> ps.setString(1, requestId),
                rs -> new Answer(rs.getString(1), rs.getString(2)));
        return a.isEmpty() ? null : a.get(0);
    }

    @Override
    public void putAnswer(String requestId, String op, String answer, long madeMs) throws IOException {
        update("INSERT INTO answers(request_id, op, answer, made_ms) VALUES (?, ?, ?, ?)", ps -> {
            ps.setString(1, requestId);
            ps.setString(2, op);
            ps.setString(3, answer);
            ps.setLong(4, madeMs);
        });
    }

    @Override
    public int deleteAnswersBefore(long beforeMs, int limit) throws IOException {
        return update("DELETE FROM answers WHERE request_id IN (SELECT request_id FROM answers WHERE made_ms < ? LIMIT ?)",
                ps -> {
                    ps.setLong(1, beforeMs);
                    ps.setInt(2, limit);
                });
    }

    @Override
    public Long answerTime(int n) throws IOException {
        List<Long> t = query("SELECT made_ms FROM answers ORDER BY made_ms DESC LIMIT 1 OFFSET ?", ps -> ps.setInt(1, n),
                rs -> rs.getLong(1));
        return t.isEmpty() ? null : t.get(0);
    }

    // ---- orphans

    @Override
    public void addOrphan(String chunkId, String nodeId, long firstSeenMs) throws IOException {
        update("INSERT INTO orphans(chunk_id, node_id, first_seen_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", ps -> {
            ps.setString(1, chunkId);
            ps.setString(2, nodeId);
            ps.setLong(3, firstSeenMs);
        });
    }

    @Override
    public List<String> takeOrphans(String nodeId, long seenByMs, int limit) throws IOException {
        List<String> ids = query("SELECT chunk_id FROM orphans WHERE node_id = ? AND first_seen_ms <= ?"
                + " ORDER BY first_seen_ms, chunk_id LIMIT ?", ps -> {
                    ps.setString(1, nodeId);
                    ps.setLong(2, seenByMs);
                    ps.setInt(3, limit);
                }, rs -> rs.getString(1));
        for (String id : ids) {
            update("DELETE FROM orphans WHERE chunk_id = ? AND node_id = ?", ps -> {
                ps.setString(1, id);
                ps.setString(2, nodeId);
            });
        }
        return ids;
    }

    // ---- datanodes the cluster has seen

    @Override
    public List<NodeRow> nodes() throws IOException {
        return query("SELECT id, address FROM nodes ORDER BY id", ps -> { }, rs -> new NodeRow(rs.getString(1), rs.getString(2)));
    }

    @Override
    public void upsertNode(String id, String address) throws IOException {
        update("INSERT INTO nodes(id, address) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET address = excluded.address",
                ps -> {
                    ps.setString(1, id);
                    ps.setString(2, address);
                });
    }

    // ---- repair

    @Override
    public List<ChunkReplicas> chunkReplicas(String after, int limit) throws IOException {
        String from = after == null ? "" : after;
        // a page of chunk ids (by their index), then the replicas of that id range (by the replicas'
        // primary key), grouped here: no engine-specific aggregate, no sort
        record Head(String id, long size, long crc32c, List<String> nodes) {
        }
        // chunks and slices are both blobs to keep: a page of each, merged by id, the first {@code limit} kept
        java.util.TreeMap<String, Head> both = new java.util.TreeMap<>();
        for (String table : List.of("chunks", "slices")) {
            each("SELECT chunk_id, MAX(size), MAX(crc32c) FROM " + table + " WHERE chunk_id > ? GROUP BY chunk_id"
                    + " ORDER BY chunk_id LIMIT ?", ps -> {
                        ps.setString(1, from);
                        ps.setInt(2, limit);
                    }, rs -> both.putIfAbsent(rs.getString(1),
                            new Head(rs.getString(1), rs.getLong(2), rs.getLong(3), new ArrayList<>())));
        }
        if (both.isEmpty()) {
            return List.of();
        }
        Map<String, Head> page = new LinkedHashMap<>();
        String[] last = {null};
        for (Head h : both.values()) {
            if (page.size() == limit) {
                break;
            }
            page.put(h.id(), h);
            last[0] = h.id();
        }
        each("SELECT chunk_id, node_id FROM replicas WHERE chunk_id > ? AND chunk_id <= ? ORDER BY chunk_id, node_id",
                ps -> {
                    ps.setString(1, from);
                    ps.setString(2, last[0]);
                }, rs -> {
                    Head h = page.get(rs.getString(1));
                    if (h != null) { // a replica row of a chunk no file uses any more is not repair's business
                        h.nodes().add(rs.getString(2));
                    }
                });
        List<ChunkReplicas> out = new ArrayList<>(page.size());
        for (Head h : page.values()) {
            out.add(new ChunkReplicas(h.id(), h.size(), h.crc32c(), List.copyOf(h.nodes())));
        }
        return out;
    }

    @Override
    public void deleteReplica(String chunkId, String nodeId) throws IOException {
        update("DELETE FROM replicas WHERE chunk_id = ? AND node_id = ?", ps -> {
            ps.setString(1, chunkId);
            ps.setString(2, nodeId);
        });
    }

    @Override
    public long countReplicasOn(String nodeId) throws IOException {
        return query("SELECT COUNT(*) FROM replicas WHERE node_id = ?", ps -> ps.setString(1, nodeId),
                rs -> rs.getLong(1)).get(0);
    }

    @Override
    public void addBadReplica(String chunkId, String nodeId, long sinceNs) throws IOException {
        update("INSERT INTO bad_replicas(chunk_id, node_id, since_ns) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", ps -> {
            ps.setString(1, chunkId);
            ps.setString(2, nodeId);
            ps.setLong(3, sinceNs);
        });
    }

    @Override
    public List<String> badReplicaChunks() throws IOException {
        return query("SELECT DISTINCT chunk_id FROM bad_replicas", ps -> { }, rs -> rs.getString(1));
    }

    @Override
    public List<String> badNodes(String chunkId) throws IOException {
        return query("SELECT node_id FROM bad_replicas WHERE chunk_id = ?", ps -> ps.setString(1, chunkId),
                rs -> rs.getString(1));
    }

    @Override
    public void clearBadReplicas(String chunkId) throws IOException {
        update("DELETE FROM bad_replicas WHERE chunk_id = ?", ps -> ps.setString(1, chunkId));
    }

    @Override
    public List<String> decommissioning() throws IOException {
        return query("SELECT node_id FROM decommissioning", ps -> { }, rs -> rs.getString(1));
    }

    @Override
    public void setDecommissioning(String nodeId) throws IOException {
        update("INSERT INTO decommissioning(node_id) VALUES (?) ON CONFLICT DO NOTHING", ps -> ps.setString(1, nodeId));
    }

    // ---- security

    private static final String TOKEN_COLUMNS = "name, hash, scope, created_ms, expires_ms, made_by, subtree, uids, gids, squash_root";

    private static TokenRow tokenRow(ResultSet rs) throws SQLException {
        return new TokenRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10) != 0,
                rs.getInt(10) == 2);
    }

    @Override
    public TokenRow tokenByHash(String hash) throws IOException {
        List<TokenRow> r = query("SELECT " + TOKEN_COLUMNS + " FROM tokens WHERE hash = ?", ps -> ps.setString(1, hash),
                JdbcMetaTx::tokenRow);
        return r.isEmpty() ? null : r.get(0);
    }

    @Override
    public List<TokenRow> tokens() throws IOException {
        return query("SELECT " + TOKEN_COLUMNS + " FROM tokens ORDER BY name", ps -> { }, JdbcMetaTx::tokenRow);
    }

    @Override
    public boolean insertToken(TokenRow t) throws IOException {
        return update("INSERT INTO tokens(" + TOKEN_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", ps -> {
            ps.setString(1, t.name());
            ps.setString(2, t.hash());
            ps.setString(3, t.scope());
            ps.setLong(4, t.createdMs());
            ps.setLong(5, t.expiresMs());
            ps.setString(6, t.madeBy());
            ps.setString(7, t.subtree());
            ps.setString(8, t.uids());
            ps.setString(9, t.gids());
            ps.setInt(10, t.squashAll() ? 2 : t.squashRoot() ? 1 : 0);
        }) == 1;
    }

    @Override
    public boolean deleteToken(String name) throws IOException {
        return update("DELETE FROM tokens WHERE name = ?", ps -> ps.setString(1, name)) == 1;
    }

    @Override
    public Long enrolledAt(String nodeId) throws IOException {
        List<Long> r = query("SELECT enrolled_ms FROM enrolled WHERE node_id = ?", ps -> ps.setString(1, nodeId),
                rs -> rs.getLong(1));
        return r.isEmpty() ? null : r.get(0);
    }

    @Override
    public boolean enroll(String nodeId, long ms) throws IOException {
        return update("INSERT INTO enrolled(node_id, enrolled_ms) VALUES (?, ?) ON CONFLICT DO NOTHING", ps -> {
            ps.setString(1, nodeId);
            ps.setLong(2, ms);
        }) == 1;
    }

    @Override
    public boolean takeNonce(String nonce, long expiresMs) throws IOException {
        return update("INSERT INTO nonces(nonce, expires_ms) VALUES (?, ?) ON CONFLICT DO NOTHING", ps -> {
            ps.setString(1, nonce);
            ps.setLong(2, expiresMs);
        }) == 1;
    }

    @Override
    public int deleteNoncesBefore(long ms, int limit) throws IOException {
        return update("DELETE FROM nonces WHERE nonce IN (SELECT nonce FROM nonces WHERE expires_ms < ? LIMIT ?)", ps -> {
            ps.setLong(1, ms);
            ps.setInt(2, limit);
        });
    }

    // ---- cluster events

    @Override
    public long addEvent(long timeMs, String kind, String node, String chunk, String message) throws IOException {
        return query("INSERT INTO events(time_ms, kind, node, chunk, message) VALUES (?,?,?,?,?) RETURNING id", ps -> {
            ps.setLong(1, timeMs);
            ps.setString(2, kind);
            ps.setString(3, node);
            ps.setString(4, chunk);
            ps.setString(5, message);
        }, rs -> rs.getLong(1)).get(0);
    }

    private static EventRow event(ResultSet rs) throws SQLException {
        return new EventRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6));
    }

    @Override
    public List<EventRow> events(long after, int limit) throws IOException {
        return query("SELECT id, time_ms, kind, node, chunk, message FROM events WHERE id > ? ORDER BY id LIMIT ?", ps -> {
            ps.setLong(1, after);
            ps.setInt(2, limit);
        }, JdbcMetaTx::event);
    }

    @Override
    public List<EventRow> newestEvents(int limit) throws IOException {
        return query("SELECT id, time_ms, kind, node, chunk, message FROM events ORDER BY id DESC LIMIT ?",
                ps -> ps.setInt(1, limit), JdbcMetaTx::event);
    }

    @Override
    public int deleteEventsThrough(long id) throws IOException {
        return update("DELETE FROM events WHERE id <= ?", ps -> ps.setLong(1, id));
    }
}
