package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.Replica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Sends one allocated chunk to the replicas the master picked, in parallel (a fan-out from the
 * client). A replica that fails is replaced by another live node and the chunk sent again; only when
 * the cluster has no node left to try does the chunk count with fewer copies, and never fewer than
 * the master's minimum. Allocating the chunk and committing it are {@link FileChunks}' business.
 */
final class ChunkWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkWriter.class);
    private static final int MAX_ROUNDS = 6;

    private final MasterClient master;
    private final DatanodeClient datanodes;
    private final ExecutorService pool;

    ChunkWriter(MasterClient master, DatanodeClient datanodes, ExecutorService pool) {
        this.master = master;
        this.datanodes = datanodes;
        this.pool = pool;
    }

    /**
     * Writes {@code data[0..length)} as chunk {@code index} of the file to the targets of
     * {@code alloc}, and returns where it is stored. With {@code sync} false the replicas hold it in
     * their page cache (safe from any one process crash) until {@link DatanodeClient#sync} makes it
     * durable.
     */
    ChunkRef write(long inode, Allocation alloc, long index, byte[] data, int length, boolean sync) throws IOException {
        long crc = DatanodeClient.crc32c(data, 0, length);
        String chunkId = alloc.chunkId();
        List<Replica> targets = alloc.targets();
        List<String> stored = new ArrayList<>();
        List<Replica> storedAt = new ArrayList<>();
        Set<String> failed = new LinkedHashSet<>();
        List<String> causes = new ArrayList<>();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (Replica t : targets) {
                sends.add(CompletableFuture.runAsync(() -> {
                    try {
                        datanodes.put(t.address(), chunkId, data, length, crc, sync);
                    } catch (IOException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, pool));
            }
            for (int i = 0; i < targets.size(); i++) {
                Replica t = targets.get(i);
                try {
                    sends.get(i).get();
                    stored.add(t.id());
                    storedAt.add(t);
                } catch (ExecutionException e) {
                    failed.add(t.id());
                    causes.add(t.address() + ": " + e.getCause().getMessage());
                    LOG.warn("chunk {} to {} failed: {}; trying another node", chunkId, t.address(),
                            e.getCause().toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted writing chunk " + chunkId);
                }
            }
            int missing = alloc.replication() - stored.size();
            if (missing <= 0) {
                break;
            }
            List<String> exclude = new ArrayList<>(failed);
            exclude.addAll(stored);
            try {
                targets = master.allocate(inode, exclude, missing).targets();
            } catch (CairnException e) {
                if (e.code() != ErrorCode.ENONODES && e.code() != ErrorCode.ENOSPC) {
                    throw e;
                }
                targets = List.of();
            }
            if (targets.isEmpty()) {
                break; // no other live node with room: the chunk counts with what it has, if enough
            }
        }
        if (stored.size() < Math.max(1, alloc.minReplicas())) {
            throw new CairnException(ErrorCode.EIO, "chunk " + index + " could be written to only "
                    + stored.size() + " of the " + alloc.minReplicas() + " replicas required: " + String.join("; ", causes));
        }
        return new ChunkRef(index, chunkId, length, length, crc, List.copyOf(storedAt));
    }
}
