package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.ClusterStatus;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link ChunkService} over the real cluster: the master for metadata, datanodes for bytes, sent
 * and synced straight from this process. A sync asks each datanode once for all its chunks, all
 * datanodes at once; a chunk short of durable copies gets new ones from a verified copy, datanode
 * by datanode through this process.
 */
final class ClusterChunkService implements ChunkService {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterChunkService.class);
    /** Chunks copied to new targets at once by {@link #addCopies}. */
    private static final int COPIES_AT_ONCE = 4;

    private final MasterClient master;
    private final ChunkWriter writer;
    private final ChunkReader reader;
    private final DatanodeClient datanodes;
    private final ExecutorService pool;
    private final LeaseKeeper leases;
    /** The cluster's replication and minimum, asked once when first needed. */
    private volatile ClusterStatus status;

    ClusterChunkService(MasterClient master, ChunkWriter writer, ChunkReader reader, DatanodeClient datanodes,
                        ExecutorService pool, LeaseKeeper leases) {
        this.leases = leases;
        this.master = master;
        this.writer = writer;
        this.reader = reader;
        this.datanodes = datanodes;
        this.pool = pool;
    }

    @Override
    public Allocation allocate(long inode) throws IOException {
        return master.allocate(inode, List.of(), null);
    }

    @Override
    public List<Allocation> allocate(long inode, int many) throws IOException {
        return many <= 1 ? List.of(allocate(inode)) : master.allocateMany(inode, many);
    }

    @Override
    public ChunkRef store(long inode, Allocation where, long index, byte[] data, int length, boolean durable)
            throws IOException {
        return writer.write(inode, where, index, data, length, durable);
    }

    @Override
    public Map<String, List<Replica>> sync(Collection<ChunkRef> chunks) throws IOException {
        Map<String, List<String>> idsByNode = new LinkedHashMap<>();
        Map<String, List<String>> tokensByNode = new HashMap<>();
        Map<String, Long> bytesByNode = new HashMap<>();
        Map<String, Boolean> asked = new HashMap<>(); // a datanode that timed out lately is not waited on again
        for (ChunkRef c : chunks) {
            for (Replica r : c.replicas()) {
                if (r.address() != null && asked.computeIfAbsent(r.address(),
                        a -> !datanodes.avoided(a) || datanodes.mayProbe(a))) {
                    idsByNode.computeIfAbsent(r.address(), a -> new ArrayList<>()).add(c.id());
                    tokensByNode.computeIfAbsent(r.address(), a -> new ArrayList<>()).add(r.token());
                    bytesByNode.merge(r.address(), c.size(), Long::sum);
                }
            }
        }
        Map<String, CompletableFuture<Void>> calls = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : idsByNode.entrySet()) {
            calls.put(e.getKey(), CompletableFuture.runAsync(() -> {
                try {
                    datanodes.sync(e.getKey(), e.getValue(), tokensByNode.get(e.getKey()), bytesByNode.get(e.getKey()));
                } catch (IOException ex) {
                    throw new CompletionException(ex);
                }
            }, pool));
        }
        Map<String, Boolean> synced = new HashMap<>();
        for (Map.Entry<String, CompletableFuture<Void>> e : calls.entrySet()) {
            String address = e.getKey();
            try {
                long wait = datanodes.deadlines().transfer(bytesByNode.get(address)).plusSeconds(1).toNanos();
                e.getValue().get(wait, TimeUnit.NANOSECONDS); // the calls run at once: this waits for the slowest
                synced.put(address, true);
            } catch (ExecutionException ex) {
                LOG.warn("sync of {} chunks on {} failed: {}", idsByNode.get(address).size(), address,
                        ex.getCause().toString());
            } catch (TimeoutException ex) {
                LOG.warn("sync of {} chunks on {}: no answer in time", idsByNode.get(address).size(), address);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while syncing chunks");
            }
        }
        Map<String, List<Replica>> durable = new HashMap<>();
        for (ChunkRef c : chunks) {
            List<Replica> on = new ArrayList<>();
            for (Replica r : c.replicas()) {
                if (r.address() != null && synced.containsKey(r.address())) {
                    on.add(r);
                }
            }
            durable.put(c.id(), on);
        }
        return durable;
    }

    @Override
    public List<ChunkRef> addCopies(long inode, List<Durable> chunks, LocalCopies local) throws IOException {
        ClusterStatus s = status();
        List<ChunkRef> out = new ArrayList<>(chunks.size());
        try {
            copyAll(inode, chunks, local, s, out);
        } finally {
            reportNotDurable(chunks, out);
        }
        return out;
    }

    private void copyAll(long inode, List<Durable> chunks, LocalCopies local, ClusterStatus s, List<ChunkRef> out)
            throws IOException {
        for (int from = 0; from < chunks.size(); from += COPIES_AT_ONCE) {
            List<CompletableFuture<ChunkRef>> batch = new ArrayList<>();
            for (Durable d : chunks.subList(from, Math.min(chunks.size(), from + COPIES_AT_ONCE))) {
                batch.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return addCopies(inode, d, local, s.replication(), Math.max(1, s.minReplicas()));
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                }, pool));
            }
            for (CompletableFuture<ChunkRef> f : batch) {
                out.add(await(f, chunks.get(from).chunk()));
            }
        }
    }

    /**
     * Tells the master that the replicas of chunks given new copies could not make them durable, so
     * that it counts on the new copies and not on those (a replica on a datanode that died, and that
     * the master does not know dead yet, would otherwise make a copy look surplus and have a good
     * one trimmed). The master replaces and then deletes them as it does bad replicas.
     */
    private void reportNotDurable(List<Durable> chunks, List<ChunkRef> copied) {
        Map<String, List<String>> byNode = new LinkedHashMap<>();
        for (int i = 0; i < copied.size(); i++) {
            ChunkRef before = chunks.get(i).chunk();
            ChunkRef after = copied.get(i);
            if (after.replicas().size() <= chunks.get(i).on().size()) {
                continue; // no new copy: the old replicas are all it has
            }
            for (Replica r : before.replicas()) {
                if (!chunks.get(i).on().contains(r)) {
                    byNode.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(before.id());
                }
            }
        }
        for (Map.Entry<String, List<String>> e : byNode.entrySet()) {
            try {
                master.reportBad(e.getKey(), e.getValue());
            } catch (IOException | RuntimeException ex) {
                LOG.warn("could not tell the master that {} replicas on {} are not durable: {}", e.getValue().size(),
                        e.getKey(), ex.toString());
            }
        }
    }

    private ChunkRef await(CompletableFuture<ChunkRef> f, ChunkRef sizeOf) throws IOException {
        Deadlines d = datanodes.deadlines();
        long wait = d.chunkRead(sizeOf.size()).plus(d.chunkWrite(sizeOf.size())).plus(d.call()).toNanos();
        try {
            return f.get(wait, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new CairnException(ErrorCode.EIO, "copying a chunk to a new replica did not finish in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while copying chunks");
        }
    }

    /** One chunk: durable on {@code d.on()}, to be on {@code replication} replicas, on at least {@code min}. */
    private ChunkRef addCopies(long inode, Durable d, LocalCopies local, int replication, int min) throws IOException {
        ChunkRef c = d.chunk();
        List<Replica> on = new ArrayList<>(d.on());
        int want = replication - on.size();
        if (want <= 0) {
            return with(c, on);
        }
        byte[] bytes = copyOf(c, on, local);
        List<String> causes = new ArrayList<>();
        if (bytes != null) {
            List<String> exclude = new ArrayList<>();
            c.replicas().forEach(r -> exclude.add(r.id())); // a replica that failed its sync is no new copy either
            ChunkWriter.Sent sent = writer.send(inode, c.id(), c.index(), List.of(), want, Math.max(0, min - on.size()), exclude,
                    bytes, (int) c.size(), c.crc32c(), true);
            on.addAll(sent.stored());
            causes.addAll(sent.causes());
        } else {
            causes.add("no verified copy of it to send");
        }
        if (on.size() < min) {
            throw new CairnException(ErrorCode.EIO, "chunk " + c.index() + " (" + c.id() + ") is durable on only "
                    + on.size() + " of the " + min + " replicas required: " + String.join("; ", causes));
        }
        LOG.info("chunk {} ({}) is now durable on {} replicas: {}", c.index(), c.id(), on.size(), on);
        return with(c, on);
    }

    /** The chunk's bytes, verified: this process's own copy, else read from a replica it is durable on. */
    private byte[] copyOf(ChunkRef c, List<Replica> durable, LocalCopies local) {
        byte[] mine = local.bytes(c);
        if (mine != null && mine.length >= c.size() && DatanodeClient.crc32c(mine, 0, (int) c.size()) == c.crc32c()) {
            return mine;
        }
        for (Replica r : durable) {
            try {
                return datanodes.get(r, c.id(), c.size(), c.crc32c());
            } catch (IOException e) {
                LOG.warn("reading chunk {} from {} to copy it failed: {}", c.id(), r.address(), e.toString());
            }
        }
        return null;
    }

    private static ChunkRef with(ChunkRef c, List<Replica> replicas) {
        return c.withReplicas(List.copyOf(replicas));
    }

    private ClusterStatus status() throws IOException {
        ClusterStatus s = status;
        if (s == null) {
            s = master.status();
            status = s;
        }
        return s;
    }

    @Override
    public Attr commit(Requests.Commit commit) throws IOException {
        return master.commit(commit);
    }

    @Override
    public FileLayout layout(long inode, long from, int limit) throws IOException {
        return master.layout(inode, from, limit);
    }

    @Override
    public byte[] fetch(ChunkRef chunk) throws IOException {
        return reader.read(chunk);
    }

    @Override
    public byte[] fetchRange(ChunkRef chunk, long first, int length) throws IOException {
        return reader.readRange(chunk, first, length);
    }

    @Override
    public Replies.Renewed renew(Collection<String> chunkIds) throws IOException {
        return master.renew(List.copyOf(chunkIds));
    }

    @Override
    public LeaseKeeper leaseKeeper() {
        return leases;
    }

    @Override
    public Attr setSize(long inode, long size) throws IOException {
        return master.setAttr(new Requests.SetAttr(null, inode, null, null, null, size, null, null));
    }

    @Override
    public Deadlines deadlines() {
        return datanodes.deadlines();
    }
}
