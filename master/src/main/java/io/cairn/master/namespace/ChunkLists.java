package io.cairn.master.namespace;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Requests;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.ChunkRow;
import io.cairn.master.meta.InodeRow;
import io.cairn.master.meta.MetaTx;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.placement.NodeView;
import io.cairn.master.placement.Placement;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Files' chunk lists: placing new chunks, committing written ones, truncating, and handing dropped
 * chunks to the garbage table (deleted from datanodes after a grace period).
 */
public final class ChunkLists {
    private static final int MAX_LAYOUT_PAGE = 4096;
    private final MetadataStore store;
    private final NodeRegistry nodes;
    private final Clock clock;
    private final long chunkSize;
    private final int replication;
    private final int minReplicas;
    private final AtomicLong cursor = new AtomicLong();
    private final SecureRandom random = new SecureRandom();

    public ChunkLists(MetadataStore store, NodeRegistry nodes, Clock clock, long chunkSize, int replication,
                      int minReplicas) {
        this.store = store;
        this.nodes = nodes;
        this.clock = clock;
        this.chunkSize = chunkSize;
        this.replication = replication;
        this.minReplicas = minReplicas;
    }

    private long now() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static InodeRow file(MetaTx tx, long inode) throws IOException {
        InodeRow n = tx.inode(inode);
        if (n == null) {
            throw CairnException.of(ErrorCode.ENOENT, "no inode %d", inode);
        }
        if (n.type() != FileType.FILE) {
            throw CairnException.of(ErrorCode.EINVAL, "inode %d is not a regular file", inode);
        }
        return n;
    }

    /** A fresh chunk id and up to {@code count} (default R) live datanodes with room, round-robin. */
    public Allocation allocate(Requests.Allocate r) throws IOException {
        store.read(tx -> file(tx, r.inode()));
        Set<String> exclude = new HashSet<>(r.exclude() == null ? List.of() : r.exclude());
        int want = r.count() == null ? replication : Math.max(1, Math.min(r.count(), replication));
        List<NodeView> snapshot = nodes.snapshot();
        List<NodeView> picked = Placement.pick(snapshot, want, exclude, chunkSize, cursor.getAndIncrement());
        if (picked.isEmpty() || (r.count() == null && picked.size() < minReplicas)) {
            long live = snapshot.stream().filter(NodeView::live).count();
            throw new CairnException(ErrorCode.ENONODES, "no live datanode with room for a chunk (" + snapshot.size()
                    + " known, " + live + " live" + (exclude.isEmpty() ? "" : ", " + exclude.size() + " excluded") + ")");
        }
        List<Replica> targets = new ArrayList<>();
        for (NodeView n : picked) {
            targets.add(new Replica(n.id(), n.address()));
            nodes.reserve(n.id(), chunkSize);
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        return new Allocation(HexFormat.of().formatHex(id), targets, replication, minReplicas);
    }

    /** Records written chunks and the new size, in one transaction. */
    public Attr commit(Requests.Commit c) throws IOException {
        if (c.chunks() != null && c.chunks().size() > 10_000) {
            throw new CairnException(ErrorCode.EFBIG, "at most 10000 chunks per commit");
        }
        for (Requests.CommitChunk ch : c.chunks() == null ? List.<Requests.CommitChunk>of() : c.chunks()) {
            PathRules.chunkId(ch.id());
            if (ch.index() < 0 || ch.index() > Long.MAX_VALUE / chunkSize - 1) {
                throw new CairnException(ErrorCode.EINVAL, "bad chunk index " + ch.index());
            }
            if (ch.size() < 0 || ch.size() > chunkSize || ch.length() < 0 || ch.length() > ch.size()) {
                throw new CairnException(ErrorCode.EINVAL, "bad size/length for chunk " + ch.index());
            }
            if (ch.replicas() == null || ch.replicas().isEmpty() || ch.replicas().size() > 16) {
                throw new CairnException(ErrorCode.EINVAL, "chunk " + ch.index() + " needs 1 to 16 replicas");
            }
            for (String nodeId : ch.replicas()) {
                PathRules.nodeId(nodeId);
            }
        }
        return store.write(tx -> {
            InodeRow n = file(tx, c.inode());
            long t = now();
            long end = n.size();
            for (Requests.CommitChunk ch : c.chunks() == null ? List.<Requests.CommitChunk>of() : c.chunks()) {
                ChunkRow old = tx.chunk(n.id(), ch.index());
                if (old != null && !old.id().equals(ch.id())) {
                    drop(tx, old, t);
                }
                tx.putChunk(new ChunkRow(n.id(), ch.index(), ch.id(), ch.size(), ch.length(), ch.crc32c()));
                for (String nodeId : ch.replicas()) {
                    tx.addReplica(ch.id(), nodeId);
                }
                end = Math.max(end, ch.index() * chunkSize + ch.length());
            }
            long size = c.size() < 0 ? end : c.size();
            truncate(tx, n, size, t);
            long mtime = c.mtimeNs() == null ? t : c.mtimeNs();
            InodeRow updated = n.withSize(size).withTimes(n.atimeNs(), mtime, t);
            tx.updateInode(updated);
            return updated.toAttr();
        });
    }

    /** Drops chunks wholly past {@code size} and shortens the one it falls in. */
    void truncate(MetaTx tx, InodeRow n, long size, long t) throws IOException {
        long firstGone = (size + chunkSize - 1) / chunkSize;
        dropFrom(tx, n.id(), firstGone, t);
        if (size % chunkSize != 0) {
            ChunkRow last = tx.chunk(n.id(), size / chunkSize);
            long keep = size % chunkSize;
            if (last != null && last.length() > keep) {
                tx.putChunk(new ChunkRow(last.inode(), last.index(), last.id(), last.size(), keep, last.crc32c()));
            }
        }
    }

    /** Drops every chunk of {@code inode} from index {@code from} on. */
    void dropFrom(MetaTx tx, long inode, long from, long t) throws IOException {
        while (true) {
            List<ChunkRow> rows = tx.chunks(inode, from, 1000);
            if (rows.isEmpty()) {
                return;
            }
            for (ChunkRow row : rows) {
                drop(tx, row, t);
                tx.deleteChunk(inode, row.index());
            }
        }
    }

    private void drop(MetaTx tx, ChunkRow row, long t) throws IOException {
        for (String node : tx.replicas(row.id())) {
            tx.addGarbage(row.id(), node, t);
        }
        tx.deleteReplicas(row.id());
    }

    /** A page of a file's chunk list with where each replica lives, live replicas first. */
    public FileLayout layout(long inode, long from, int limit) throws IOException {
        int lim = Math.max(1, Math.min(limit, MAX_LAYOUT_PAGE));
        return store.read(tx -> {
            InodeRow n = file(tx, inode);
            List<ChunkRow> rows = tx.chunks(inode, Math.max(0, from), lim + 1);
            List<ChunkRef> out = new ArrayList<>();
            for (int i = 0; i < Math.min(lim, rows.size()); i++) {
                ChunkRow row = rows.get(i);
                List<Replica> live = new ArrayList<>();
                List<Replica> dead = new ArrayList<>();
                List<String> bad = tx.badNodes(row.id());
                for (String node : tx.replicas(row.id())) {
                    if (bad.contains(node)) {
                        continue; // known bad: never offered to a reader
                    }
                    Replica rep = new Replica(node, nodes.address(node));
                    (nodes.isLive(node) ? live : dead).add(rep);
                }
                java.util.Collections.rotate(live, (int) (row.index() % Math.max(1, live.size())));
                live.addAll(dead);
                out.add(new ChunkRef(row.index(), row.id(), row.size(), row.length(), row.crc32c(), live));
            }
            Long next = rows.size() > lim ? rows.get(lim).index() : null;
            return new FileLayout(inode, n.size(), chunkSize, out, next);
        });
    }
}
