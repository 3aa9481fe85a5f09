package io.cairn.master.namespace;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Limits;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.lease.Leases;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.ChunkRow;
import io.cairn.master.meta.InodeRow;
import io.cairn.master.meta.MetaTx;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.meta.SliceRow;
import io.cairn.master.placement.NodeView;
import io.cairn.master.placement.Placement;
import io.cairn.master.replay.Replays;
import io.cairn.master.security.ChunkTokenMinter;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Files' chunk lists: placing new chunks (with a lease for their writer), committing written ones,
 * truncating, and handing dropped chunks to the garbage table (deleted from datanodes after a grace
 * period). Sizes and chunk ends are checked against {@link Limits#MAX_FILE_SIZE} before any sum is
 * formed, so none wraps around. Every replica given out carries a chunk token minted as it leaves
 * (never stored, not even in the answer kept for a replayed request).
 */
public final class ChunkLists {
    private static final int MAX_LAYOUT_PAGE = 4096;
    /** The lease of {@link #ChunkLists(MetadataStore, NodeRegistry, Clock, long, int, int)}. */
    static final Duration DEFAULT_LEASE = Duration.ofMinutes(10);
    private final MetadataStore store;
    private final Leases leases;
    private final Replays replays;
    private final NodeRegistry nodes;
    private final Clock clock;
    private final long chunkSize;
    private final int replication;
    private final int minReplicas;
    private final AtomicLong cursor = new AtomicLong();
    private final SecureRandom random = new SecureRandom();
    private final ChunkTokenMinter tokens;

    /** Chunk lists whose leases last {@link #DEFAULT_LEASE}, answering replays from their own {@link Replays}. */
    public ChunkLists(MetadataStore store, NodeRegistry nodes, Clock clock, long chunkSize, int replication,
                      int minReplicas) {
        this(store, nodes, clock, chunkSize, replication, minReplicas, new Leases(store, clock, DEFAULT_LEASE),
                new Replays(store, clock));
    }

    /** As below, with tokens no datanode accepts: for masters kept in memory by unit tests. */
    public ChunkLists(MetadataStore store, NodeRegistry nodes, Clock clock, long chunkSize, int replication,
                      int minReplicas, Leases leases, Replays replays) {
        this(store, nodes, clock, chunkSize, replication, minReplicas, leases, replays,
                ChunkTokenMinter.throwaway(clock));
    }

    public ChunkLists(MetadataStore store, NodeRegistry nodes, Clock clock, long chunkSize, int replication,
                      int minReplicas, Leases leases, Replays replays, ChunkTokenMinter tokens) {
        this.tokens = tokens;
        this.store = store;
        this.leases = leases;
        this.replays = replays;
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
        return allocate(r, null);
    }

    /**
     * As {@link #allocate(Requests.Allocate)}, with a lease on the id for the writer, granted (and,
     * under {@code requestId}, answered) in one transaction.
     */
    public Allocation allocate(Requests.Allocate r, String requestId) throws IOException {
        store.read(tx -> {
            file(tx, r.inode());
            if (r.forChunk() != null) {
                checkFileHolds(tx, r.inode(), r.forChunk(), r.forIndex());
            }
            return null;
        });
        Set<String> exclude = new HashSet<>(r.exclude() == null ? List.of() : r.exclude());
        int want = r.count() == null ? replication : Math.max(1, Math.min(r.count(), replication));
        int many = r.many() == null ? 1 : r.many();
        if (many < 1 || many > Requests.Allocate.MAX_MANY || (many > 1 && r.forChunk() != null)) {
            throw new CairnException(ErrorCode.EINVAL, "an allocation asks for 1 to " + Requests.Allocate.MAX_MANY
                    + " new chunks (one with forChunk)");
        }
        if (many > 1) {
            return allocateMany(r, requestId, want, exclude, many);
        }
        Allocation fresh = place(want, exclude, r.count() == null);
        Allocation a = replays.write(requestId, "allocate", Allocation.class, tx -> {
            file(tx, r.inode());
            leases.grant(tx, fresh.chunkId(), r.inode());
            return fresh;
        });
        if (a == fresh) {
            reserve(fresh);
        }
        if (r.forChunk() != null) { // targets for a chunk of the file: their tokens open it, to store and sync it
            return new Allocation(a.chunkId(), tokens.withTokens(r.forChunk(), a.targets(), "rw"), a.replication(),
                    a.minReplicas(), a.leaseMs());
        }
        return withTokens(a);
    }

    /** {@code many} fresh chunk ids, each placed round-robin and leased to the file, all in one transaction. */
    private Allocation allocateMany(Requests.Allocate r, String requestId, int want, Set<String> exclude, int many)
            throws IOException {
        List<Allocation> placed = new ArrayList<>(many);
        for (int i = 0; i < many; i++) { // each counted on its targets at once, so the next is placed knowing it
            Allocation p;
            try {
                p = place(want, exclude, r.count() == null);
            } catch (CairnException e) {
                if (placed.isEmpty()) {
                    throw e;
                }
                break; // room for fewer: those
            }
            reserve(p);
            placed.add(p);
        }
        many = placed.size();
        Allocation first = placed.get(0);
        Allocation fresh = new Allocation(first.chunkId(), first.targets(), first.replication(), first.minReplicas(),
                first.leaseMs(), List.copyOf(placed.subList(1, many)));
        Allocation a = replays.write(requestId, "allocate", Allocation.class, tx -> {
            file(tx, r.inode());
            for (Allocation p : placed) {
                leases.grant(tx, p.chunkId(), r.inode());
            }
            return fresh;
        });
        List<Allocation> out = new ArrayList<>(many);
        for (Allocation p : a.all()) {
            out.add(withTokens(p));
        }
        Allocation head = out.get(0);
        return new Allocation(head.chunkId(), head.targets(), head.replication(), head.minReplicas(), head.leaseMs(),
                List.copyOf(out.subList(1, out.size())));
    }

    /**
     * EACCES unless chunk {@code chunkId} is the file's: leased to it (allocated, not yet committed)
     * or committed at {@code index}. So no writer gets tokens for another file's chunk.
     */
    private void checkFileHolds(MetaTx tx, long inode, String chunkId, Long index) throws IOException {
        PathRules.chunkId(chunkId);
        MetaTx.Lease lease = tx.lease(chunkId);
        if (lease != null && lease.inode() == inode && lease.expiresMs() > clock.millis()) {
            return;
        }
        ChunkRow row = index == null || index < 0 ? null : tx.chunk(inode, index);
        if (row != null && row.id().equals(chunkId)) {
            return;
        }
        if (index != null && index >= 0) {
            for (SliceRow s : tx.slices(inode, index, index, Limits.MAX_SLICES)) {
                if (s.id().equals(chunkId)) {
                    return;
                }
            }
        }
        throw CairnException.of(ErrorCode.EACCES, "chunk %s is not one of inode %d's", chunkId, inode);
    }

    /** {@code a} (null stays null) with a token for its writer on each target. */
    Allocation withTokens(Allocation a) {
        return tokens.withTokens(a);
    }

    /**
     * A fresh chunk id and {@code want} live datanodes with room, round-robin, not yet leased to
     * anyone ({@link #grant} does that inside a transaction); ENONODES when there are none, or (with
     * {@code full}) fewer than the minimum of replicas.
     */
    Allocation place(int want, Set<String> exclude, boolean full) throws CairnException {
        List<NodeView> snapshot = nodes.snapshot();
        List<NodeView> picked = Placement.pick(snapshot, want, exclude, chunkSize, cursor.getAndIncrement());
        if (picked.isEmpty() || (full && picked.size() < minReplicas)) {
            long live = snapshot.stream().filter(NodeView::live).count();
            throw new CairnException(ErrorCode.ENONODES, "no live datanode with room for a chunk (" + snapshot.size()
                    + " known, " + live + " live" + (exclude.isEmpty() ? "" : ", " + exclude.size() + " excluded") + ")");
        }
        List<Replica> targets = new ArrayList<>();
        for (NodeView n : picked) {
            targets.add(new Replica(n.id(), n.address()));
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        return new Allocation(HexFormat.of().formatHex(id), targets, replication, minReplicas, leases.lengthMs());
    }

    /** A full allocation for a file's first chunk ({@link #place}), for a create that answers with it. */
    Allocation placeFirst() throws CairnException {
        return place(replication, Set.of(), true);
    }

    /** Leases {@code a}'s chunk id to the writer of {@code inode}, in the caller's transaction. */
    void grant(MetaTx tx, Allocation a, long inode) throws IOException {
        leases.grant(tx, a.chunkId(), inode);
    }

    /** Counts the chunk on its targets until their next heartbeats (placement then sees them fuller). */
    void reserve(Allocation a) {
        for (Replica t : a.targets()) {
            nodes.reserve(t.id(), chunkSize);
        }
    }

    /** Renews a writer's leases on the chunks it has not committed yet. */
    public Replies.Renewed renew(Requests.Renew r) throws IOException {
        return leases.renew(r);
    }

    /** Records written chunks and the new size, in one transaction. */
    public Attr commit(Requests.Commit c) throws IOException {
        return commit(c, null);
    }

    /**
     * Records written chunks and the new size in one transaction (answered, under
     * {@code requestId}, in the same one). Every chunk must be leased to the file or already be
     * committed at its index: ESTALE otherwise, and nothing changes.
     */
    public Attr commit(Requests.Commit c, String requestId) throws IOException {
        List<Requests.CommitChunk> list = c.chunks() == null ? List.of() : c.chunks();
        if (list.size() > 10_000) {
            throw new CairnException(ErrorCode.EFBIG, "at most 10000 chunks per commit");
        }
        if (c.size() > Limits.MAX_FILE_SIZE) {
            throw new CairnException(ErrorCode.EFBIG, "size " + c.size() + " is past the largest file size ("
                    + Limits.MAX_FILE_SIZE + " bytes)");
        }
        for (Requests.CommitChunk ch : list) {
            PathRules.chunkId(ch.id());
            if (ch.index() < 0) {
                throw new CairnException(ErrorCode.EINVAL, "bad chunk index " + ch.index());
            }
            if (ch.size() < 0 || ch.size() > chunkSize || ch.length() < 0 || ch.length() > ch.size()) {
                throw new CairnException(ErrorCode.EINVAL, "bad size/length for chunk " + ch.index());
            }
            if (ch.at() != null && (ch.at() < 0 || ch.at() > chunkSize - ch.length() || ch.folds() != null)) {
                throw new CairnException(ErrorCode.EINVAL, "slice at " + ch.at() + " of " + ch.length()
                        + " bytes does not fit chunk " + ch.index());
            }
            if (ch.off() != null && (ch.at() == null || ch.off() < 0 || ch.off() > ch.size() - ch.length())) {
                throw new CairnException(ErrorCode.EINVAL, "slice from byte " + ch.off() + " of its blob of "
                        + ch.size() + " bytes does not fit it");
            }
            if (ch.folds() != null) {
                if (ch.folds().isEmpty() || ch.folds().size() > Limits.MAX_SLICES + 1) {
                    throw new CairnException(ErrorCode.EINVAL, "a compaction folds a chunk and up to "
                            + Limits.MAX_SLICES + " slices");
                }
                for (Requests.Fold f : ch.folds()) {
                    PathRules.chunkId(f.id());
                    if (f.length() < 0 || f.length() > chunkSize) {
                        throw new CairnException(ErrorCode.EINVAL, "bad length of folded chunk " + f.id());
                    }
                }
            }
            end(ch);
            if (ch.replicas() == null || ch.replicas().isEmpty() || ch.replicas().size() > 16) {
                throw new CairnException(ErrorCode.EINVAL, "chunk " + ch.index() + " needs 1 to 16 replicas");
            }
            for (String nodeId : ch.replicas()) {
                PathRules.nodeId(nodeId);
            }
        }
        return replays.write(requestId, "commit", Attr.class, tx -> {
            InodeRow n = file(tx, c.inode());
            long t = now();
            long end = n.size();
            for (Requests.CommitChunk ch : list) {
                ChunkRow old = tx.chunk(n.id(), ch.index());
                if (ch.at() != null) {
                    commitSlice(tx, n.id(), ch, old);
                    end = Math.max(end, end(ch));
                    continue;
                }
                if (ch.folds() != null) {
                    checkFolds(tx, n.id(), ch, old);
                }
                leases.checkCommit(tx, n.id(), ch.index(), ch.id(), old == null ? null : old.id());
                if (old != null && !old.id().equals(ch.id())) {
                    drop(tx, old, t);
                    dropSlices(tx, n.id(), ch.index(), ch.folds(), t); // under the new chunk (or folded into it)
                }
                tx.putChunk(new ChunkRow(n.id(), ch.index(), ch.id(), ch.size(), ch.length(), ch.crc32c()));
                for (String nodeId : ch.replicas()) {
                    addReplica(tx, ch.id(), nodeId);
                }
                leases.release(tx, ch.id());
                end = Math.max(end, end(ch));
            }
            long size = c.size() < 0 ? end : c.size();
            truncate(tx, n, size, t);
            long mtime = c.mtimeNs() == null ? t : c.mtimeNs();
            InodeRow updated = n.withSize(size).withTimes(n.atimeNs(), mtime, t);
            tx.updateInode(updated);
            return updated.toAttr();
        });
    }

    /** Where a committed chunk's bytes end in the file; EFBIG past the largest file size. */
    private long end(Requests.CommitChunk ch) throws CairnException {
        long inChunk = (ch.at() == null ? 0 : ch.at()) + ch.length(); // at most chunkSize: checked before
        if (ch.index() > (Limits.MAX_FILE_SIZE - inChunk) / chunkSize) { // index * chunkSize + inChunk, unwrapped
            throw new CairnException(ErrorCode.EFBIG, "chunk " + ch.index() + " ends past the largest file size ("
                    + Limits.MAX_FILE_SIZE + " bytes)");
        }
        return ch.index() * chunkSize + inChunk;
    }

    /**
     * Lays slice {@code ch} over the chunk at its index, on top of the slices there; a slice already
     * there only gains the replicas named (a commit again after a sync made new copies). ESTALE when
     * the chunk it lies over is gone (truncated away by another client since the writer looked),
     * EFBIG when the chunk already carries {@link Limits#MAX_SLICES}.
     */
    private void commitSlice(MetaTx tx, long inode, Requests.CommitChunk ch, ChunkRow base) throws IOException {
        List<SliceRow> over = tx.slices(inode, ch.index(), ch.index(), Limits.MAX_SLICES + 1);
        boolean blobHere = false; // another slice of the same blob is committed here (just now, or before)
        for (SliceRow s : over) {
            if (s.id().equals(ch.id()) && s.at() == ch.at()) {
                for (String nodeId : ch.replicas()) {
                    addReplica(tx, ch.id(), nodeId);
                }
                leases.release(tx, ch.id());
                return;
            }
            blobHere |= s.id().equals(ch.id());
        }
        if (!blobHere) {
            leases.checkCommit(tx, inode, ch.index(), ch.id(), null);
        }
        if (base == null) {
            throw CairnException.of(ErrorCode.ESTALE, "chunk %d of inode %d is gone (truncated since it was read):"
                    + " a write into it cannot be laid over it", ch.index(), inode);
        }
        if (over.size() >= Limits.MAX_SLICES) {
            throw CairnException.of(ErrorCode.EFBIG, "chunk %d of inode %d already carries %d slices",
                    ch.index(), inode, over.size());
        }
        long seq = over.isEmpty() ? 1 : over.get(over.size() - 1).seq() + 1;
        tx.insertSlice(new SliceRow(inode, ch.index(), seq, ch.id(), ch.at(), ch.off() == null ? 0 : ch.off(), ch.size(),
                ch.length(), ch.crc32c()));
        for (String nodeId : ch.replicas()) {
            addReplica(tx, ch.id(), nodeId);
        }
        leases.release(tx, ch.id());
    }

    /**
     * ESTALE unless what compaction {@code ch} read is still there: the chunk (first fold) with the
     * same length, and each folded slice with the same length. Slices laid on since may remain.
     */
    private void checkFolds(MetaTx tx, long inode, Requests.CommitChunk ch, ChunkRow base) throws IOException {
        Requests.Fold first = ch.folds().get(0);
        if (base == null || !base.id().equals(first.id()) || base.length() != first.length()) {
            throw CairnException.of(ErrorCode.ESTALE, "chunk %d of inode %d changed since it was read for compaction",
                    ch.index(), inode);
        }
        List<SliceRow> over = tx.slices(inode, ch.index(), ch.index(), Limits.MAX_SLICES + 1);
        for (Requests.Fold f : ch.folds().subList(1, ch.folds().size())) {
            if (over.stream().noneMatch(s -> s.id().equals(f.id()) && s.length() == f.length())) {
                throw CairnException.of(ErrorCode.ESTALE, "a slice of chunk %d of inode %d changed since it was read"
                        + " for compaction", ch.index(), inode);
            }
        }
    }

    /** Drops the slices over chunk {@code index}: those named in {@code folds}, or (null) all of them. */
    private void dropSlices(MetaTx tx, long inode, long index, List<Requests.Fold> folds, long t) throws IOException {
        Set<String> named = null;
        if (folds != null) {
            named = new HashSet<>();
            for (Requests.Fold f : folds) {
                named.add(f.id());
            }
        }
        for (SliceRow s : tx.slices(inode, index, index, Limits.MAX_SLICES + 1)) {
            if (named == null || named.contains(s.id())) {
                dropSlice(tx, s, t);
            }
        }
    }

    /** Drops one slice; its blob goes to garbage once no slice (and no chunk) uses it. */
    private void dropSlice(MetaTx tx, SliceRow s, long t) throws IOException {
        tx.deleteSlice(s.inode(), s.index(), s.seq());
        if (tx.chunkExists(s.id())) {
            return; // another slice of the same blob stays
        }
        for (String node : tx.replicas(s.id())) {
            tx.addGarbage(s.id(), node, t);
        }
        tx.deleteReplicas(s.id());
    }

    /**
     * Records that a node holds a committed chunk, unless its deletion there is already under way; a
     * deletion of that copy still queued is cancelled, since the copy is wanted.
     */
    private static void addReplica(MetaTx tx, String chunkId, String nodeId) throws IOException {
        MetaTx.Garbage g = tx.garbage(chunkId, nodeId);
        if (g != null && g.handedMs() != null) {
            return; // the datanode may be deleting it right now
        }
        if (g != null) {
            tx.deleteGarbage(chunkId, nodeId);
        }
        tx.addReplica(chunkId, nodeId);
    }

    /**
     * Drops chunks wholly past {@code size} and shortens the one it falls in. EFBIG past the largest
     * file size (and nothing dropped).
     */
    void truncate(MetaTx tx, InodeRow n, long size, long t) throws IOException {
        if (size < 0 || size > Limits.MAX_FILE_SIZE) {
            throw new CairnException(size < 0 ? ErrorCode.EINVAL : ErrorCode.EFBIG, "size " + size
                    + " is outside 0 to the largest file size (" + Limits.MAX_FILE_SIZE + " bytes)");
        }
        long firstGone = size / chunkSize + (size % chunkSize == 0 ? 0 : 1);
        dropFrom(tx, n.id(), firstGone, t);
        if (size % chunkSize != 0) {
            ChunkRow last = tx.chunk(n.id(), size / chunkSize);
            long keep = size % chunkSize;
            if (last != null && last.length() > keep) {
                tx.putChunk(new ChunkRow(last.inode(), last.index(), last.id(), last.size(), keep, last.crc32c()));
            }
            for (SliceRow sl : tx.slices(n.id(), size / chunkSize, size / chunkSize, Limits.MAX_SLICES + 1)) {
                if (sl.at() >= keep) {
                    dropSlice(tx, sl, t);
                } else if (sl.end() > keep) {
                    tx.setSliceLength(sl.inode(), sl.index(), sl.seq(), keep - sl.at());
                }
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
                dropSlices(tx, inode, row.index(), null, t);
            }
        }
    }

    private void drop(MetaTx tx, ChunkRow row, long t) throws IOException {
        for (String node : tx.replicas(row.id())) {
            tx.addGarbage(row.id(), node, t);
        }
        tx.deleteReplicas(row.id());
    }

    /** Where blob {@code id} (at chunk {@code index}) can be read, live replicas first, each with a read token. */
    private List<Replica> readReplicas(MetaTx tx, String id, long index) throws IOException {
        List<Replica> live = new ArrayList<>();
        List<Replica> dead = new ArrayList<>();
        List<String> bad = tx.badNodes(id);
        for (String node : tx.replicas(id)) {
            if (bad.contains(node)) {
                continue; // known bad: never offered to a reader
            }
            Replica rep = new Replica(node, nodes.address(node), tokens.mint(node, id, ChunkTokenMinter.READ));
            (nodes.isLive(node) ? live : dead).add(rep);
        }
        java.util.Collections.rotate(live, (int) (index % Math.max(1, live.size())));
        live.addAll(dead);
        return live;
    }

    /**
     * A page of a file's chunk list with where each replica lives, live replicas first, each chunk
     * with the slices over it.
     */
    public FileLayout layout(long inode, long from, int limit) throws IOException {
        int lim = Math.max(1, Math.min(limit, MAX_LAYOUT_PAGE));
        return store.read(tx -> {
            InodeRow n = file(tx, inode);
            List<ChunkRow> rows = tx.chunks(inode, Math.max(0, from), lim + 1);
            int take = Math.min(lim, rows.size());
            java.util.Map<Long, List<ChunkRef>> sliced = new java.util.HashMap<>();
            if (take > 0) {
                // the slices over the page's chunks, at most MAX_LAYOUT_PAGE of them: past that the page ends
                // before the first chunk whose slices did not all come (every chunk comes with all of its own)
                List<SliceRow> slices = tx.slices(inode, rows.get(0).index(), rows.get(take - 1).index(),
                        MAX_LAYOUT_PAGE + 1);
                if (slices.size() > MAX_LAYOUT_PAGE) {
                    long cut = slices.get(slices.size() - 1).index();
                    slices = slices.stream().filter(sl -> sl.index() < cut).toList();
                    int keep = 0;
                    while (keep < take && rows.get(keep).index() < cut) {
                        keep++;
                    }
                    take = Math.max(1, keep);
                    if (keep == 0) { // one chunk with more slices than a page: it comes with all of them
                        slices = tx.slices(inode, cut, cut, Limits.MAX_SLICES + 1);
                    }
                }
                for (SliceRow sl : slices) {
                    sliced.computeIfAbsent(sl.index(), k -> new ArrayList<>()).add(
                            new ChunkRef(sl.index(), sl.id(), sl.size(), sl.length(), sl.crc32c(),
                                    readReplicas(tx, sl.id(), sl.index()), (int) sl.at(), null,
                                    sl.off() == 0 ? null : (int) sl.off()));
                }
            }
            List<ChunkRef> out = new ArrayList<>();
            for (int i = 0; i < take; i++) {
                ChunkRow row = rows.get(i);
                out.add(new ChunkRef(row.index(), row.id(), row.size(), row.length(), row.crc32c(),
                        readReplicas(tx, row.id(), row.index())).withSlices(sliced.get(row.index())));
            }
            Long next = rows.size() > take ? rows.get(take).index() : null;
            return new FileLayout(inode, n.size(), chunkSize, out, next);
        });
    }
}
