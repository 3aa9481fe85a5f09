package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/** One file system's chunks in memory, with the master's commit rules; records every call; fails on demand. */
final class MemoryChunkService implements ChunkService {
    static final Replica NODE = new Replica("n1", "http://n1");
    static final Replica NODE2 = new Replica("n2", "http://n2");
    /** Where {@link #addCopies} puts new copies. */
    static final Replica SPARE = new Replica("n3", "http://n3");

    final long chunkSize;
    final Map<String, byte[]> blobs = new HashMap<>();
    final Map<Long, TreeMap<Long, ChunkRef>> lists = new HashMap<>();
    final Map<Long, Long> sizes = new HashMap<>();
    final List<Requests.Commit> commits = new ArrayList<>();
    final List<ChunkRef> synced = new ArrayList<>();
    final List<Boolean> durableStores = new ArrayList<>();
    /** Stores fail with this while it is set. */
    volatile IOException storeFailure;
    /** Commits fail with this while it is set. */
    volatile IOException commitFailure;
    /** Stores wait for this to open while it is set. */
    volatile CountDownLatch storeGate;
    /** How long the leases of new allocations last; 0: they need no renewal. */
    volatile long leaseMs;
    /** Chunk ids whose lease is lost: renewals name them, commits naming them are refused (ESTALE). */
    final java.util.Set<String> lostLeases = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Every renewal, the ids it named. */
    final List<List<String>> renewals = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Nodes (by id) whose syncs fail: a dead or slow datanode. */
    final Set<String> syncFails = ConcurrentHashMap.newKeySet();
    /** Every chunk given new copies, with the replicas it was durable on. */
    final List<ChunkService.Durable> copied = new ArrayList<>();
    /** Where chunks are allocated (one replica unless a test says). */
    volatile List<Replica> targets = List.of(NODE);
    private int nextId;
    /**
     * When set, layouts give each replica the token {@code "t" + tokenEpoch} and a fetch refuses
     * (EAUTH, as a datanode refuses an expired chunk token) a chunk whose first replica has another.
     */
    volatile boolean checkTokens;
    final java.util.concurrent.atomic.AtomicInteger tokenEpoch = new java.util.concurrent.atomic.AtomicInteger();
    /** Runs after each layout is made (e.g. to let its tokens expire). */
    volatile Runnable afterLayout = () -> { };

    MemoryChunkService(long chunkSize) {
        this.chunkSize = chunkSize;
    }

    @Override
    public synchronized Allocation allocate(long inode) {
        return new Allocation(String.format("%032x", ++nextId), targets, targets.size(), 1, leaseMs);
    }

    @Override
    public ChunkRef store(long inode, Allocation where, long index, byte[] data, int length, boolean durable)
            throws IOException {
        CountDownLatch gate = storeGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
        }
        IOException f = storeFailure;
        if (f != null) {
            throw f;
        }
        synchronized (this) {
            durableStores.add(durable);
            blobs.put(where.chunkId(), Arrays.copyOf(data, length));
            return new ChunkRef(index, where.chunkId(), length, length, 0, where.targets());
        }
    }

    @Override
    public synchronized Map<String, List<Replica>> sync(Collection<ChunkRef> chunks) {
        synced.addAll(chunks);
        Map<String, List<Replica>> durable = new HashMap<>();
        for (ChunkRef c : chunks) {
            durable.put(c.id(), c.replicas().stream().filter(r -> !syncFails.contains(r.id())).toList());
        }
        return durable;
    }

    @Override
    public synchronized List<ChunkRef> addCopies(long inode, List<ChunkService.Durable> chunks,
                                                 ChunkService.LocalCopies local) throws IOException {
        List<ChunkRef> out = new ArrayList<>();
        for (ChunkService.Durable d : chunks) {
            copied.add(d);
            if (d.on().isEmpty() && local.bytes(d.chunk()) == null) {
                throw new CairnException(ErrorCode.EIO, "no durable copy of chunk " + d.chunk().index());
            }
            List<Replica> on = new ArrayList<>(d.on());
            on.add(SPARE);
            ChunkRef c = d.chunk();
            out.add(new ChunkRef(c.index(), c.id(), c.size(), c.length(), c.crc32c(), on));
        }
        return out;
    }

    @Override
    public Deadlines deadlines() {
        return new Deadlines(java.time.Duration.ofSeconds(5));
    }

    @Override
    public synchronized Attr commit(Requests.Commit c) throws IOException {
        IOException f = commitFailure;
        if (f != null) {
            throw f;
        }
        for (Requests.CommitChunk ch : c.chunks()) {
            if (lostLeases.contains(ch.id())) {
                throw new CairnException(ErrorCode.ESTALE, "chunk " + ch.id() + " is no longer held by its writer");
            }
        }
        commits.add(c);
        TreeMap<Long, ChunkRef> list = lists.computeIfAbsent(c.inode(), k -> new TreeMap<>());
        long end = sizes.getOrDefault(c.inode(), 0L);
        for (Requests.CommitChunk ch : c.chunks()) {
            List<Replica> at = new ArrayList<>();
            ChunkRef was = list.get(ch.index());
            if (was != null && was.id().equals(ch.id())) {
                at.addAll(was.replicas()); // the same chunk again: its replicas are added to
            }
            for (String id : ch.replicas()) {
                if (at.stream().noneMatch(r -> r.id().equals(id))) {
                    at.add(new Replica(id, "http://" + id));
                }
            }
            list.put(ch.index(), new ChunkRef(ch.index(), ch.id(), ch.size(), ch.length(), ch.crc32c(), List.copyOf(at)));
            end = Math.max(end, ch.index() * chunkSize + ch.length());
        }
        return resize(c.inode(), c.size() < 0 ? end : c.size());
    }

    @Override
    public Replies.Renewed renew(Collection<String> chunkIds) {
        renewals.add(List.copyOf(chunkIds));
        List<String> lost = new ArrayList<>();
        for (String id : chunkIds) {
            if (lostLeases.contains(id)) {
                lost.add(id);
            }
        }
        return new Replies.Renewed(leaseMs, lost);
    }

    @Override
    public synchronized FileLayout layout(long inode, long from, int limit) {
        List<ChunkRef> rest = new ArrayList<>(lists.getOrDefault(inode, new TreeMap<>()).tailMap(from, true).values());
        Long next = rest.size() > limit ? rest.get(limit).index() : null;
        List<ChunkRef> page = new ArrayList<>(rest.subList(0, Math.min(limit, rest.size())));
        if (checkTokens) {
            String token = "t" + tokenEpoch.get();
            page.replaceAll(c -> new ChunkRef(c.index(), c.id(), c.size(), c.length(), c.crc32c(),
                    c.replicas().stream().map(r -> r.withToken(token)).toList()));
        }
        FileLayout layout = new FileLayout(inode, sizes.getOrDefault(inode, 0L), chunkSize, List.copyOf(page), next);
        afterLayout.run();
        return layout;
    }

    @Override
    public synchronized byte[] fetch(ChunkRef chunk) throws IOException {
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
    public synchronized Attr setSize(long inode, long size) {
        return resize(inode, size);
    }

    /** Puts a committed chunk of {@code length} bytes (its blob {@code stored} bytes) at {@code index} directly. */
    synchronized void putChunk(long inode, long index, byte[] stored, long length) {
        String id = String.format("%032x", ++nextId);
        blobs.put(id, stored.clone());
        lists.computeIfAbsent(inode, k -> new TreeMap<>())
                .put(index, new ChunkRef(index, id, stored.length, length, 0, List.of(NODE)));
    }

    synchronized void setSizeDirectly(long inode, long size) {
        sizes.put(inode, size);
    }

    private Attr resize(long inode, long size) {
        TreeMap<Long, ChunkRef> list = lists.computeIfAbsent(inode, k -> new TreeMap<>());
        list.tailMap(size / chunkSize + (size % chunkSize == 0 ? 0 : 1), true).clear();
        sizes.put(inode, size);
        return new Attr(inode, FileType.FILE, 0644, 0, 0, size, 1, 1, 2, 3, 0, null);
    }
}
