package io.cairn.common.client;

import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * {@link ChunkService} over the real cluster: the master for metadata, datanodes for bytes, sent
 * and synced straight from this process. A sync asks each datanode once for all its chunks.
 */
final class ClusterChunkService implements ChunkService {
    private final MasterClient master;
    private final ChunkWriter writer;
    private final ChunkReader reader;
    private final DatanodeClient datanodes;
    private final Executor pool;
    private final LeaseKeeper leases;

    ClusterChunkService(MasterClient master, ChunkWriter writer, ChunkReader reader, DatanodeClient datanodes,
                        Executor pool, LeaseKeeper leases) {
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
    public ChunkRef store(long inode, Allocation where, long index, byte[] data, int length, boolean durable)
            throws IOException {
        return writer.write(inode, where, index, data, length, durable);
    }

    @Override
    public void sync(Collection<ChunkRef> chunks) throws IOException {
        Map<String, List<String>> byNode = new LinkedHashMap<>();
        for (ChunkRef c : chunks) {
            for (Replica r : c.replicas()) {
                if (r.address() != null) {
                    byNode.computeIfAbsent(r.address(), a -> new ArrayList<>()).add(c.id());
                }
            }
        }
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byNode.entrySet()) {
            calls.add(CompletableFuture.runAsync(() -> {
                try {
                    datanodes.sync(e.getKey(), e.getValue());
                } catch (IOException ex) {
                    throw new CompletionException(ex);
                }
            }, pool));
        }
        try {
            for (CompletableFuture<Void> call : calls) {
                call.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while syncing chunks");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
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
}
