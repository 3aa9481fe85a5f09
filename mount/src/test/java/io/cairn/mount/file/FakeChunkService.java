package io.cairn.mount.file;

import io.cairn.common.client.ChunkService;
import io.cairn.common.client.Deadlines;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Requests;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A cluster in memory with the master's commit rules, counting every call, with failures on demand. */
final class FakeChunkService implements ChunkService {
    final int chunkSize;
    final Map<String, byte[]> blobs = new HashMap<>();
    final Map<Long, TreeMap<Long, ChunkRef>> chunks = new HashMap<>();
    final Map<Long, Long> sizes = new HashMap<>();
    final AtomicInteger uploads = new AtomicInteger();
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicInteger commits = new AtomicInteger();
    final AtomicInteger compactions = new AtomicInteger();
    final AtomicInteger synced = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final List<Requests.Commit> commitLog = new ArrayList<>();
    /** When set, uploads fail with it. */
    final AtomicReference<IOException> uploadFailure = new AtomicReference<>();
    /** When set, uploads wait for it to open. */
    volatile CountDownLatch uploadGate;
    /** When set, chunk-list pages and chunk fetches wait for it to open (a slow master or datanode). */
    volatile CountDownLatch layoutGate;
    volatile CountDownLatch fetchGate;
    private int nextId;
    /**
     * When set, pages give each replica the token {@code "t" + tokenEpoch} and a fetch refuses
     * (EAUTH, as a datanode refuses an expired chunk token) a chunk whose first replica has another.
     */
    volatile boolean checkTokens;
    final AtomicInteger tokenEpoch = new AtomicInteger();
    final AtomicInteger layouts = new AtomicInteger();

    FakeChunkService(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    /** A file with the given content, committed. */
    synchronized void putFile(long inode, byte[] content) {
        TreeMap<Long, ChunkRef> list = new TreeMap<>();
        for (long i = 0; i * chunkSize < content.length; i++) {
            int from = (int) (i * chunkSize);
            int len = Math.min(chunkSize, content.length - from);
            String id = newId();
            blobs.put(id, Arrays.copyOfRange(content, from, from + len));
            list.put(i, ref(i, id, len, len));
        }
        chunks.put(inode, list);
        sizes.put(inode, (long) content.length);
    }

    /** The file's content as a reader of the master's metadata would see it. */
    synchronized byte[] content(long inode) {
        long size = sizes.getOrDefault(inode, 0L);
        byte[] out = new byte[(int) size];
        for (ChunkRef c : chunks.getOrDefault(inode, new TreeMap<>()).values()) {
            long start = c.index() * chunkSize;
            byte[] own = blobs.get(c.id());
            byte[] merged;
            try {
                merged = io.cairn.common.client.Overlay.merge(c, own, own.length, sl -> blobs.get(sl.id()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            int n = (int) Math.min(io.cairn.common.client.Overlay.length(c), size - start);
            if (n > 0) {
                System.arraycopy(merged, 0, out, (int) start, n);
            }
        }
        return out;
    }

    @Override
    public synchronized Allocation allocate(long inode) {
        return new Allocation(newId(), List.of(new Replica("n1", "http://n1")), 1, 1);
    }

    @Override
    public ChunkRef store(long inode, Allocation where, long index, byte[] data, int length, boolean durable)
            throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            CountDownLatch gate = uploadGate;
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
            IOException f = uploadFailure.get();
            if (f != null) {
                throw f;
            }
            uploads.incrementAndGet();
            synchronized (this) {
                blobs.put(where.chunkId(), Arrays.copyOf(data, length));
                return ref(index, where.chunkId(), length, length);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public Map<String, List<Replica>> sync(Collection<ChunkRef> refs) {
        synced.addAndGet(refs.size());
        Map<String, List<Replica>> durable = new HashMap<>();
        for (ChunkRef c : refs) {
            durable.put(c.id(), c.replicas());
        }
        return durable;
    }

    @Override
    public List<ChunkRef> addCopies(long inode, List<ChunkService.Durable> chunks, ChunkService.LocalCopies local) {
        return chunks.stream().map(ChunkService.Durable::chunk).toList();
    }

    @Override
    public Deadlines deadlines() {
        return new Deadlines(java.time.Duration.ofSeconds(2));
    }

    @Override
    public byte[] fetch(ChunkRef chunk) throws IOException {
        pass(fetchGate);
        return fetchNow(chunk);
    }

    /** Ranged fetches, and the bytes they returned. */
    final AtomicInteger rangeFetches = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicLong rangeBytes = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public byte[] fetchRange(ChunkRef chunk, long first, int length) throws IOException {
        pass(fetchGate);
        if (!io.cairn.common.checksum.BlockSums.aligned(first, length, chunk.size())) {
            throw new IllegalArgumentException("not whole blocks: " + first + "+" + length + " of " + chunk.size());
        }
        byte[] whole = fetchNow(chunk);
        fetches.decrementAndGet(); // counted as a ranged fetch, not a whole one
        rangeFetches.incrementAndGet();
        rangeBytes.addAndGet(length);
        return Arrays.copyOfRange(whole, (int) first, (int) first + length);
    }

    private static void pass(CountDownLatch gate) throws IOException {
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
        }
    }

    private synchronized byte[] fetchNow(ChunkRef chunk) throws IOException {
        fetches.incrementAndGet();
        if (checkTokens && !("t" + tokenEpoch.get()).equals(chunk.replicas().get(0).token())) {
            throw new CairnException(ErrorCode.EAUTH, "expired chunk token");
        }
        byte[] b = blobs.get(chunk.id());
        if (b == null) {
            throw new CairnException(ErrorCode.EIO, "no chunk " + chunk.id());
        }
        return b.clone();
    }

    @Override
    public FileLayout layout(long inode, long from, int limit) throws IOException {
        pass(layoutGate);
        return layoutNow(inode, from, limit);
    }

    private synchronized FileLayout layoutNow(long inode, long from, int limit) {
        List<ChunkRef> page = new ArrayList<>(chunks.getOrDefault(inode, new TreeMap<>()).tailMap(from, true).values());
        Long next = page.size() > limit ? page.get(limit).index() : null;
        layouts.incrementAndGet();
        if (checkTokens) {
            String token = "t" + tokenEpoch.get();
            page.replaceAll(c -> c.withReplicas(c.replicas().stream().map(r -> r.withToken(token)).toList())
                    .withSlices(c.sliceList().stream().map(sl -> sl.withReplicas(
                            sl.replicas().stream().map(r -> r.withToken(token)).toList())).toList()));
        }
        return new FileLayout(inode, sizes.getOrDefault(inode, 0L), chunkSize,
                page.subList(0, Math.min(limit, page.size())), next);
    }

    @Override
    public synchronized Attr commit(Requests.Commit c) throws CairnException {
        commits.incrementAndGet();
        commitLog.add(c);
        TreeMap<Long, ChunkRef> list = chunks.computeIfAbsent(c.inode(), k -> new TreeMap<>());
        long end = sizes.getOrDefault(c.inode(), 0L);
        for (Requests.CommitChunk ch : c.chunks()) {
            ChunkRef old = list.get(ch.index());
            ChunkRef mine = ref(ch.index(), ch.id(), ch.size(), ch.length());
            if (ch.at() != null) { // a slice over the chunk there, unless it is there already
                if (old == null) {
                    throw new CairnException(ErrorCode.ESTALE, "no chunk for a slice to lie over");
                }
                if (old.sliceList().stream().noneMatch(sl -> sl.id().equals(ch.id()) && sl.at().equals(ch.at()))) {
                    list.put(ch.index(), old.plusSlice(mine.asSliceAt(ch.at(), ch.off() == null ? 0 : ch.off(),
                            (int) ch.length())));
                }
                end = Math.max(end, ch.index() * chunkSize + ch.at() + ch.length());
                continue;
            }
            if (ch.folds() != null) { // a compaction: the slices it did not fold stay on top
                if (old == null || !old.id().equals(ch.folds().get(0).id())) {
                    throw new CairnException(ErrorCode.ESTALE, "compacted chunk changed");
                }
                java.util.Set<String> folded = new java.util.HashSet<>();
                ch.folds().forEach(fo -> folded.add(fo.id()));
                compactions.incrementAndGet();
                list.put(ch.index(), mine.withSlices(old.sliceList().stream().filter(sl -> !folded.contains(sl.id()))
                        .toList()));
            } else if (old != null && old.id().equals(ch.id())) {
                list.put(ch.index(), mine.withSlices(old.slices()));
            } else {
                list.put(ch.index(), mine);
            }
            end = Math.max(end, ch.index() * chunkSize + ch.length());
        }
        long size = c.size() < 0 ? end : c.size();
        truncate(c.inode(), size);
        return attr(c.inode());
    }

    @Override
    public synchronized Attr setSize(long inode, long size) {
        truncate(inode, size);
        return attr(inode);
    }

    private void truncate(long inode, long size) {
        TreeMap<Long, ChunkRef> list = chunks.computeIfAbsent(inode, k -> new TreeMap<>());
        list.tailMap((size + chunkSize - 1) / chunkSize, true).clear();
        ChunkRef last = list.get(size / chunkSize);
        long keep = size % chunkSize;
        if (last != null && keep != 0) {
            List<ChunkRef> slices = new ArrayList<>();
            for (ChunkRef sl : last.sliceList()) {
                if (sl.at() < keep) {
                    slices.add(sl.end() > keep ? sl.withLength(keep - sl.at()) : sl);
                }
            }
            list.put(last.index(), last.withLength(Math.min(last.length(), keep)).withSlices(slices));
        }
        sizes.put(inode, size);
    }

    synchronized Attr attr(long inode) {
        return new Attr(inode, FileType.FILE, 0644, 0, 0, sizes.getOrDefault(inode, 0L), 1, 1, 2, 3, 0, null);
    }

    private String newId() {
        return String.format("%032x", ++nextId);
    }

    private static ChunkRef ref(long index, String id, long size, long length) {
        return new ChunkRef(index, id, size, length, 0, List.of(new Replica("n1", "http://n1")));
    }
}
