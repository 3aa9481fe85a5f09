package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The owner of one file's new chunks, from allocation to commit: it allocates each chunk, has it
 * stored on its replicas ({@link #upload}), keeps what is uploaded and not yet committed, commits it
 * in batches along the way ({@link #commitIfBatchFull}) and at the end ({@link #commit}), and keeps
 * what is uploaded without a sync until {@link #sync}. {@code put} and the mount both write through
 * it, so every rule about a chunk's life is here once.
 *
 * <p>What it knows at any moment: the chunk ids it allocated and has neither committed nor given up
 * ({@link #allocated}), the uploaded chunks not yet in the master's chunk list ({@link #uncommitted}),
 * and the uploaded chunks not yet on stable storage ({@link #unsynced}). A newer upload of an index
 * replaces an older one not yet committed or synced.
 *
 * <p>Leases: the master leases each allocated chunk id to its writer for a while
 * ({@link Allocation#leaseMs}); a chunk whose lease lapsed may be deleted as an orphan, and its
 * commit is refused (ESTALE). While this owner holds allocated chunks, its cluster's
 * {@link LeaseKeeper} calls {@link #keepAlive} in the background, which, every third of the lease,
 * commits what is uploaded (growing the file only, as {@link #commitIfBatchFull} does) and renews the
 * leases of the rest, however idle the writer is. A lease the master says is lost makes the next
 * write ({@link #commitIfBatchFull}), flush or fsync ({@link #commit}) of the file fail with ESTALE:
 * the bytes of that chunk may be gone.
 *
 * <p>{@link #sync} makes the unsynced chunks durable on R live replicas, not only on those that took
 * them: a replica that cannot sync (it died, it is too slow, it lost the chunk) is replaced by a new
 * synced copy before sync returns, and the chunk is committed again with its new replicas. The owner
 * outlives the writer that uploaded through it when it must (the mount keeps it per inode until an
 * fsync of the file, by any descriptor, has synced what it wrote).
 *
 * <p>Thread-safe: uploads of different indexes may run at once. Commits and size changes of the file
 * reach the master one at a time, in the order they were taken ({@code commitLock}, held across that
 * one master call, or the check and the call of a re-commit after a sync; uploads never wait for it).
 * Syncs run one at a time ({@code syncLock}, never held by an upload or a commit). Lock order:
 * {@code syncLock}, then {@code commitLock}, then a caller's lock (the size of {@link #commit}, the step
 * of {@link #resize}), then this.
 */
public final class FileChunks {
    /** Uploaded chunks are committed at the latest this many at a time, even before the end. */
    public static final int COMMIT_BATCH = 64;
    /** The most chunk ids one allocation asks for. */
    static final int MAX_ALLOCATION_BATCH = 32;
    private static final Logger LOG = LoggerFactory.getLogger(FileChunks.class);
    /** Pause before a renewal or timely commit that failed is tried again (at most a third of the lease). */
    private static final long RETRY_NS = 1_000_000_000L;

    private final ChunkService cluster;
    private final LeaseKeeper keeper;
    private final long inode;
    private final long chunkSize;
    private final Consumer<Attr> onCommit;
    private final Object commitLock = new Object();
    private final Object syncLock = new Object();

    // Guarded by this.
    /** Allocated, neither committed nor abandoned (the upload failed, or a newer one replaced it). */
    private final Set<String> allocated = new LinkedHashSet<>();
    /** Uploaded, not yet committed, by index. */
    private final PendingChunks uncommitted = new PendingChunks();
    /** Uploaded without a sync and not yet synced, by index (committed or not). */
    private final PendingChunks unsynced = new PendingChunks();
    /** An allocation leased to this file and not used yet ({@link #offer}), and when it was leased. */
    private Allocation spare;
    private long spareAtNs;
    /** Chunk ids leased in a batch and not used yet, and when they were leased. */
    private final java.util.ArrayDeque<Allocation> spares = new java.util.ArrayDeque<>();
    private long sparesAtNs;
    /** How many ids the next allocation asks for, and when the last one was asked. */
    private int allocationBatch = 1;
    private long lastAllocationNs;
    /** Allocated chunks whose lease the master says is lost. */
    private final Set<String> lost = new LinkedHashSet<>();
    /** How long a lease lasts, from the newest allocation or renewal; 0: leases need no renewal. */
    private long leaseMs;
    /** When (System.nanoTime) the leases are next renewed and what is uploaded committed. */
    private long keepAliveAtNs;

    /**
     * The chunks of {@code inode}, whose chunks are {@code chunkSize} bytes; {@code onCommit} hears
     * the file's attributes after every commit or size change, in their order.
     */
    public FileChunks(ChunkService cluster, long inode, long chunkSize, Consumer<Attr> onCommit) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size " + chunkSize);
        }
        this.cluster = cluster;
        this.keeper = cluster.leaseKeeper();
        this.inode = inode;
        this.chunkSize = chunkSize;
        this.onCommit = onCommit;
    }

    public long inode() {
        return inode;
    }

    /**
     * An allocation the master already leased to this file (a create that answered with one): the
     * next upload uses it instead of asking for one, if it comes within a third of the lease (later,
     * it asks anew and the offered one lapses unused). A second offer replaces an unused first.
     */
    public synchronized void offer(Allocation a) {
        spare = a;
        spareAtNs = System.nanoTime();
    }

    /**
     * Allocates a chunk for index {@code index} and stores {@code data[0..length)} on its replicas
     * (replacing a replica that fails); from then on it counts as uncommitted. With {@code durable}
     * the replicas sync before they answer; without, it also counts as unsynced until {@link #sync}.
     * A failed upload leaves nothing behind: the caller may simply try again.
     */
    public ChunkRef upload(long index, byte[] data, int length, boolean durable) throws IOException {
        if (index < 0 || length < 0 || length > chunkSize || length > data.length) {
            throw new IllegalArgumentException("chunk " + index + " of " + length + " bytes");
        }
        return uploaded(storeNew(index, data, length, durable, false), durable);
    }

    /**
     * As {@link #upload}, for slices: {@code blob} holds, one after another, the bytes of the ranges
     * {@code ranges} ({at, length} pairs, in order) of chunk {@code index}; stored as one blob, it
     * becomes one slice per range, each laid over the chunk at its {@code at} when committed, on
     * top of what is there (random writes move only their bytes, in one upload per buffer).
     */
    public List<ChunkRef> uploadSlices(long index, List<int[]> ranges, byte[] blob, boolean durable)
            throws IOException {
        long total = 0;
        for (int[] r : ranges) {
            if (r[0] < 0 || r[1] <= 0 || r[0] > chunkSize - r[1]) {
                throw new IllegalArgumentException("slice at " + r[0] + " of chunk " + index + " of " + r[1] + " bytes");
            }
            total += r[1];
        }
        if (index < 0 || ranges.isEmpty() || total != blob.length || total > chunkSize) {
            throw new IllegalArgumentException(ranges.size() + " slices of " + total + " bytes in a blob of " + blob.length);
        }
        ChunkRef stored = storeNew(index, blob, blob.length, durable, true);
        List<ChunkRef> out = new ArrayList<>(ranges.size());
        int from = 0;
        for (int[] r : ranges) {
            out.add(uploaded(stored.asSliceAt(r[0], from, r[1]), durable));
            from += r[1];
        }
        return out;
    }

    /**
     * Compacts chunk {@code base} of the file: stores {@code data[0..length)} (the chunk's bytes
     * with {@code folded}, slices of it, laid over them) durably as a new whole chunk and commits it
     * at once in their place; slices laid on since stay on top. ESTALE (and nothing changes) when the
     * chunk or one of those slices changed since they were read. Returns the new chunk.
     */
    public ChunkRef compact(ChunkRef base, List<ChunkRef> folded, byte[] data, int length) throws IOException {
        failIfLost();
        ChunkRef ref = storeNew(base.index(), data, length, true, false);
        List<Requests.Fold> folds = new ArrayList<>(folded.size() + 1);
        folds.add(new Requests.Fold(base.id(), base.length()));
        for (ChunkRef s : folded) {
            folds.add(new Requests.Fold(s.id(), s.length()));
        }
        Requests.CommitChunk e = entry(ref);
        Requests.CommitChunk entry = new Requests.CommitChunk(e.index(), e.id(), e.size(), e.length(), e.crc32c(),
                e.replicas(), null, folds);
        synchronized (commitLock) {
            Attr attr;
            try {
                attr = cluster.commit(new Requests.Commit(inode, -1, List.of(entry), null));
            } finally {
                synchronized (this) {
                    allocated.remove(ref.id()); // committed, or never to be: its lease may lapse
                }
            }
            onCommit.accept(attr);
        }
        return ref;
    }

    private static boolean stale(Allocation a, long leasedAtNs) {
        return a.leaseMs() > 0 && System.nanoTime() - leasedAtNs > a.leaseMs() * 1_000_000 / 3;
    }

    /**
     * Asks the master for chunk ids for small blobs (slices): one, or, for a writer that keeps asking,
     * more at once (whole chunks ask one at a time: a spare counts a whole chunk's room on its targets), doubling up to {@link #MAX_ALLOCATION_BATCH} while each batch is used up within a
     * second; returns one and keeps the others as spares (their leases lapse if they go unused).
     */
    private Allocation allocateSome() throws IOException {
        int n;
        synchronized (this) {
            long now = System.nanoTime();
            if (lastAllocationNs != 0 && now - lastAllocationNs < 1_000_000_000L) {
                allocationBatch = Math.min(MAX_ALLOCATION_BATCH, allocationBatch * 2);
            } else if (lastAllocationNs == 0 || now - lastAllocationNs > 10_000_000_000L) {
                allocationBatch = 1;
            }
            lastAllocationNs = now;
            n = allocationBatch;
        }
        List<Allocation> got = cluster.allocate(inode, n);
        synchronized (this) {
            spares.clear();
            spares.addAll(got.subList(1, got.size()));
            sparesAtNs = System.nanoTime();
        }
        return got.get(0);
    }

    /** Allocates a chunk id for index {@code index} and stores {@code data[0..length)} on its replicas. */
    private ChunkRef storeNew(long index, byte[] data, int length, boolean durable, boolean small)
            throws IOException {
        Allocation where;
        long leasedAtNs;
        synchronized (this) {
            where = spare;
            leasedAtNs = spareAtNs;
            spare = null;
            if (where != null && stale(where, leasedAtNs)) {
                where = null; // offered too long ago to count on its lease
            }
            if (where == null && !spares.isEmpty() && !stale(spares.peek(), sparesAtNs)) {
                where = spares.poll();
                leasedAtNs = sparesAtNs;
            }
        }
        if (where == null) {
            where = small ? allocateSome() : cluster.allocate(inode);
            leasedAtNs = System.nanoTime();
        }
        boolean watch;
        synchronized (this) {
            if (allocated.isEmpty() && where.leaseMs() > 0) { // a fresh lease: the first renewal is due a third of it later
                keepAliveAtNs = leasedAtNs + where.leaseMs() * 1_000_000 / 3;
            }
            allocated.add(where.chunkId());
            leaseMs = Math.max(leaseMs, where.leaseMs());
            watch = keeper != null && leaseMs > 0;
        }
        if (watch) {
            keeper.watch(this);
        }
        try {
            return cluster.store(inode, where, index, data, length, durable);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                allocated.remove(where.chunkId()); // never to be committed: its lease may lapse
            }
            throw e;
        }
    }

    /** Counts a stored chunk or slice as uploaded (and unsynced unless {@code durable}). */
    private synchronized ChunkRef uploaded(ChunkRef ref, boolean durable) {
        for (ChunkRef replaced : uncommitted.add(ref)) {
            allocated.remove(replaced.id());
        }
        if (durable) {
            if (!ref.isSlice()) {
                unsynced.clear(ref.index()); // written over: nothing there is the file's any more
            }
        } else {
            unsynced.add(ref);
        }
        return ref;
    }

    /** How many uploaded chunks and slices wait for a commit. */
    public synchronized int uncommittedCount() {
        return uncommitted.size();
    }

    public synchronized boolean hasUncommitted() {
        return !uncommitted.isEmpty();
    }

    /** Uploaded chunks not yet committed, by index. */
    public synchronized List<ChunkRef> uncommitted() {
        return uncommitted.all();
    }

    /** Uploaded chunks not yet synced on their replicas, by index. */
    public synchronized List<ChunkRef> unsynced() {
        return unsynced.all();
    }

    /** How many uploaded chunks are not yet synced (what a bound on unsynced memory counts). */
    public synchronized int unsyncedCount() {
        return unsynced.size();
    }

    /**
     * Chunk ids allocated for this file and not yet committed (in flight or uploaded), in the order
     * they were allocated: the ids a writer's lease on allocated chunks has to keep alive.
     */
    public synchronized List<String> allocated() {
        return List.copyOf(allocated);
    }

    /**
     * Commits the uploaded chunks if at least {@link #COMMIT_BATCH} are waiting, letting the file grow
     * to cover them (its exact size comes with {@link #commit}). Returns null when there was no batch.
     */
    public Attr commitIfBatchFull() throws IOException {
        failIfLost();
        synchronized (commitLock) {
            List<ChunkRef> batch;
            synchronized (this) {
                if (uncommitted.size() < COMMIT_BATCH) {
                    return null;
                }
                batch = uncommitted.all();
            }
            return send(batch, -1);
        }
    }

    /**
     * Commits every uploaded chunk and sets the file's size to what {@code size} says ({@code < 0}:
     * grow to cover the chunks) in one master call, even when only the size changed. {@code size} is
     * asked after the chunks are taken, so it covers every one of them when the caller's size only
     * grows between commits.
     */
    public Attr commit(LongSupplier size) throws IOException {
        failIfLost();
        synchronized (commitLock) {
            List<ChunkRef> chunks;
            synchronized (this) {
                chunks = uncommitted.all();
            }
            return send(chunks, size.getAsLong());
        }
    }

    private Attr send(List<ChunkRef> chunks, long size) throws IOException {
        List<Requests.CommitChunk> entries = new ArrayList<>(chunks.size());
        for (ChunkRef c : chunks) {
            entries.add(entry(c));
        }
        Attr attr;
        try {
            attr = cluster.commit(new Requests.Commit(inode, size, entries, null));
        } catch (CairnException e) {
            if (e.code() == ErrorCode.ESTALE) {
                learnLost(chunks);
            }
            throw e;
        }
        synchronized (this) {
            for (ChunkRef c : chunks) {
                uncommitted.remove(c);
                allocated.remove(c.id());
            }
        }
        onCommit.accept(attr);
        return attr;
    }

    /**
     * Sets the file's size on the master (shrinking drops its chunks past the end, and this owner
     * forgets syncing them), then runs {@code then} before any later commit of the file can start:
     * the caller's own view of the size changes in the same order as the master's.
     */
    public Attr resize(long size, Runnable then) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
        synchronized (commitLock) {
            Attr attr = cluster.setSize(inode, size);
            synchronized (this) {
                unsynced.dropFrom(size / chunkSize + (size % chunkSize == 0 ? 0 : 1)); // dropped with the file's end
            }
            then.run();
            onCommit.accept(attr);
            return attr;
        }
    }

    /** {@link #sync(ChunkService.LocalCopies)} with no local copies: new copies are read from a durable replica. */
    public void sync() throws IOException {
        sync(ChunkService.LocalCopies.NONE);
    }

    /**
     * Makes every unsynced chunk durable on R live replicas: each replica holding one is asked to
     * sync it (one call per datanode); a chunk that some replica could not sync gets new synced copies
     * (from {@code local} when the caller still has its bytes, else from a replica it is durable on)
     * and is committed again with them, unless the file no longer holds it (overwritten, truncated
     * or deleted since: then there is nothing to keep). Fails only when a chunk the file holds cannot
     * be had on the cluster's minimum of durable copies; what was not synced stays unsynced.
     */
    public void sync(ChunkService.LocalCopies local) throws IOException {
        synchronized (syncLock) {
            List<ChunkRef> chunks = unsynced();
            if (chunks.isEmpty()) {
                return;
            }
            Map<String, ChunkRef> blobs = new java.util.LinkedHashMap<>(); // several slices may share one blob
            for (ChunkRef c : chunks) {
                blobs.putIfAbsent(c.id(), c);
            }
            Map<String, List<Replica>> durable = cluster.sync(blobs.values());
            List<ChunkService.Durable> shortOf = new ArrayList<>();
            for (ChunkRef c : blobs.values()) {
                List<Replica> on = durable.getOrDefault(c.id(), List.of());
                if (on.size() < c.replicas().size()) {
                    shortOf.add(new ChunkService.Durable(c, on));
                }
            }
            if (!shortOf.isEmpty()) {
                addCopies(shortOf, local, chunks);
            }
            synchronized (this) {
                for (ChunkRef c : chunks) {
                    unsynced.remove(c);
                }
            }
        }
    }

    // ---- leases

    /** ESTALE when the master said a lease of this file's chunks is lost: their bytes may be gone. */
    private void failIfLost() throws CairnException {
        List<String> gone;
        synchronized (this) {
            if (lost.isEmpty()) {
                return;
            }
            gone = List.copyOf(lost);
        }
        throw new CairnException(ErrorCode.ESTALE, "inode " + inode + ": the lease on chunk(s) " + gone
                + " ended before they were committed, so the master may have deleted them; the writes they held are lost");
    }

    /** A commit was refused as stale: asks which of its chunks' leases are lost, and remembers them. */
    private void learnLost(List<ChunkRef> chunks) {
        List<String> ids = new ArrayList<>(chunks.size());
        chunks.forEach(c -> ids.add(c.id()));
        try {
            markLost(cluster.renew(ids));
        } catch (IOException e) {
            LOG.debug("inode {}: could not learn which leases are lost: {}", inode, e.toString());
        }
    }

    private synchronized void markLost(Replies.Renewed r) {
        for (String id : r.lost()) {
            if (allocated.contains(id)) {
                lost.add(id);
            }
        }
        if (r.leaseMs() > 0) {
            leaseMs = r.leaseMs();
        }
    }

    /** Chunk ids whose lease the master said is lost. */
    public synchronized List<String> lost() {
        return List.copyOf(lost);
    }

    /**
     * The background step of a writer, called by the {@link LeaseKeeper} (often; it does something
     * only every third of the lease): commits every uploaded chunk (growing the file to cover them,
     * never shrinking it), then renews the leases of the allocated chunks left (uploads under way, or
     * chunks a failed commit left). A failure is tried again soon; a lost lease is remembered for the
     * next write, flush or fsync to report.
     *
     * @param nowNs the time of the step, on {@link System#nanoTime()}'s scale
     */
    void keepAlive(long nowNs) {
        synchronized (this) {
            if (leaseMs <= 0 || nowNs - keepAliveAtNs < 0) {
                return;
            }
            if (allocated.isEmpty()) {
                forgetMe();
                return;
            }
            keepAliveAtNs = nowNs + Math.min(RETRY_NS, leaseMs * 1_000_000 / 3); // until this step succeeds
        }
        try {
            commitUploaded();
        } catch (CairnException e) {
            if (e.code() == ErrorCode.ENOENT) {
                LOG.debug("inode {} is gone: its leases are let lapse", inode);
                forgetMe();
                return;
            }
            LOG.debug("inode {}: committing uploaded chunks in the background failed: {}", inode, e.toString());
        } catch (IOException e) {
            LOG.debug("inode {}: committing uploaded chunks in the background failed: {}", inode, e.toString());
        }
        List<String> ids = allocated();
        if (ids.isEmpty()) {
            forgetMe();
            return;
        }
        try {
            Replies.Renewed r = cluster.renew(ids);
            markLost(r);
            synchronized (this) {
                keepAliveAtNs = nowNs + leaseMs * 1_000_000 / 3;
            }
            if (!r.lost().isEmpty()) {
                LOG.warn("inode {}: the lease on chunk(s) {} was lost before they were committed", inode, r.lost());
            }
        } catch (IOException e) {
            LOG.warn("inode {}: renewing the leases of {} chunk(s) failed, trying again: {}", inode, ids.size(),
                    e.toString());
        }
    }

    /** Commits every uploaded chunk, growing the file to cover them (nothing when a lease is lost). */
    private void commitUploaded() throws IOException {
        synchronized (commitLock) {
            List<ChunkRef> batch;
            synchronized (this) {
                if (uncommitted.isEmpty() || !lost.isEmpty()) {
                    return;
                }
                batch = uncommitted.all();
            }
            send(batch, -1);
        }
    }

    private void forgetMe() {
        if (keeper != null) {
            keeper.forget(this);
        }
    }

    /** New durable copies for chunks some replica could not sync, and a commit that records them. */
    private void addCopies(List<ChunkService.Durable> shortOf, ChunkService.LocalCopies local, List<ChunkRef> all)
            throws IOException {
        List<ChunkService.Durable> kept = new ArrayList<>();
        for (ChunkService.Durable d : shortOf) {
            if (held(d.chunk()) != null) {
                kept.add(d);
            }
        }
        if (kept.isEmpty()) {
            return;
        }
        List<ChunkRef> copied = cluster.addCopies(inode, kept, local);
        synchronized (commitLock) { // what is checked here is what is committed: no resize or commit in between
            List<ChunkRef> recommit = new ArrayList<>();
            for (int i = 0; i < copied.size(); i++) {
                ChunkRef copy = copied.get(i);
                if (!gained(kept.get(i).chunk(), copy)) {
                    continue; // no new copy (none was needed, or none could be had while enough are durable)
                }
                for (ChunkRef c : all) { // the chunk, or every slice of the blob
                    if (!c.id().equals(copy.id())) {
                        continue;
                    }
                    ChunkRef now = c.withReplicas(copy.replicas());
                    synchronized (this) {
                        if (uncommitted.update(now)) {
                            continue; // its coming commit records the new replicas
                        }
                    }
                    ChunkRef inFile = held(now);
                    if (inFile != null) {
                        recommit.add(now.withLength(inFile.length()));
                    }
                }
            }
            if (!recommit.isEmpty()) {
                List<Requests.CommitChunk> entries = new ArrayList<>(recommit.size());
                for (ChunkRef c : recommit) {
                    entries.add(entry(c));
                }
                // the same chunk ids at the same indexes: the master adds the replicas; -1: the size stays
                onCommit.accept(cluster.commit(new Requests.Commit(inode, -1, entries, null)));
            }
        }
    }

    private static boolean gained(ChunkRef before, ChunkRef after) {
        Set<String> had = new HashSet<>();
        before.replicas().forEach(r -> had.add(r.id()));
        return after.replicas().stream().anyMatch(r -> !had.contains(r.id()));
    }

    /**
     * The file's chunk at {@code c}'s index if it is still {@code c} (as uploaded here and not yet
     * committed, or as the master's chunk list has it now, with its current length), else null.
     */
    private ChunkRef held(ChunkRef c) throws IOException {
        synchronized (this) {
            ChunkRef pending = uncommitted.find(c);
            if (pending != null) {
                return pending;
            }
            if (uncommitted.hasWhole(c.index())) {
                return null; // a newer whole chunk waits at its index: c is written over
            }
        }
        FileLayout page;
        try {
            page = cluster.layout(inode, c.index(), 1);
        } catch (CairnException e) {
            if (e.code() == ErrorCode.ENOENT) {
                return null; // the file is gone
            }
            throw e;
        }
        for (ChunkRef now : page.chunks()) {
            if (now.index() != c.index()) {
                continue;
            }
            if (now.id().equals(c.id()) && !c.isSlice()) {
                return now;
            }
            for (ChunkRef s : now.sliceList()) {
                if (s.id().equals(c.id()) && java.util.Objects.equals(s.at(), c.at())) {
                    return s;
                }
            }
        }
        return null;
    }

    /** The entry that records an uploaded chunk in the file's chunk list. */
    static Requests.CommitChunk entry(ChunkRef c) {
        List<String> nodes = new ArrayList<>(c.replicas().size());
        for (Replica r : c.replicas()) {
            nodes.add(r.id());
        }
        return new Requests.CommitChunk(c.index(), c.id(), c.size(), c.length(), c.crc32c(), List.copyOf(nodes), c.at(),
                null, c.off());
    }

    @Override
    public String toString() {
        return "FileChunks[inode " + inode + "]";
    }
}
