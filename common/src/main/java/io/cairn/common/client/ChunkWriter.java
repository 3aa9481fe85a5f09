package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.Replica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one allocated chunk to the replicas the master picked, in parallel (a fan-out from the
 * client). A replica that fails is replaced by another live node and the chunk sent again; a target
 * that timed out lately ({@link DatanodeClient#avoided}) is replaced before anything is sent to it,
 * and tried only if no other node will do (and then only now and then: {@link DatanodeClient#mayProbe}). Only when the cluster has no node left to try does the
 * chunk count with fewer copies, and never fewer than the master's minimum. A write takes at most
 * {@link Deadlines#chunkWrite}: a round of sends starts only while there is time for it.
 * Allocating the chunk and committing it are {@link FileChunks}' business.
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
        int need = Math.max(1, alloc.minReplicas());
        Sent sent = send(inode, alloc.chunkId(), index, alloc.targets(), alloc.replication(), need, List.of(), data,
                length, crc, sync);
        if (sent.stored().size() < need) {
            throw new CairnException(ErrorCode.EIO, "chunk " + index + " could be written to only "
                    + sent.stored().size() + " of the " + alloc.minReplicas() + " replicas required: "
                    + String.join("; ", sent.causes()));
        }
        return new ChunkRef(index, alloc.chunkId(), length, length, crc, sent.stored());
    }

    /** Where a send landed, and why the targets it could not use failed. */
    record Sent(List<Replica> stored, List<String> causes) {
    }

    /**
     * Sends chunk {@code chunkId} to {@code first} (more targets are asked of the master as some
     * fail), until {@code want} new replicas hold it, no other node is left, or time is up. Nodes in
     * {@code exclude} are never asked (they hold it already). Targets that timed out lately are tried
     * only when fewer than {@code need} replicas could be had without them.
     */
    Sent send(long inode, String chunkId, long index, List<Replica> first, int want, int need, Collection<String> exclude,
              byte[] data, int length, long crc, boolean sync) throws IOException {
        Deadlines d = datanodes.deadlines();
        long deadline = System.nanoTime() + d.chunkWrite(length).toNanos();
        long roundNanos = d.transfer(length).toNanos();
        List<Replica> stored = new ArrayList<>();
        Set<String> failed = new LinkedHashSet<>();
        List<Replica> avoided = new ArrayList<>();
        List<String> causes = new ArrayList<>();
        List<Replica> targets = first;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<Replica> now = new ArrayList<>();
            for (Replica t : targets) {
                if (datanodes.avoided(t.address())) {
                    avoided.add(t); // replaced at once: it timed out lately
                    failed.add(t.id());
                    causes.add(t.address() + ": timed out lately");
                } else {
                    now.add(t);
                }
            }
            sendAll(now, chunkId, data, length, crc, sync, deadline, stored, failed, causes);
            int missing = want - stored.size();
            if (missing <= 0 || deadline - System.nanoTime() < roundNanos) {
                break;
            }
            List<String> skip = new ArrayList<>(exclude);
            skip.addAll(failed);
            stored.forEach(r -> skip.add(r.id()));
            targets = moreTargets(inode, chunkId, index, skip, missing);
            if (targets.isEmpty()) {
                break; // no other live node with room: the chunk counts with what it has, if enough
            }
        }
        if (stored.size() < need && !avoided.isEmpty() && deadline - System.nanoTime() >= roundNanos) {
            List<Replica> probe = new ArrayList<>();
            for (Replica t : avoided) {
                if (probe.size() < want - stored.size() && datanodes.mayProbe(t.address())) {
                    probe.add(t);
                }
            }
            if (!probe.isEmpty()) {
                LOG.warn("chunk {}: no other datanode will do, trying {} that timed out lately", chunkId, probe);
                sendAll(probe, chunkId, data, length, crc, sync, deadline, stored, failed, causes);
            }
        }
        return new Sent(List.copyOf(stored), List.copyOf(causes));
    }

    /** Targets for chunk {@code chunkId} of the file, with tokens for it. */
    private List<Replica> moreTargets(long inode, String chunkId, long index, List<String> exclude, int count)
            throws IOException {
        try {
            return master.allocateFor(inode, chunkId, index, exclude, count).targets();
        } catch (CairnException e) {
            if (e.code() != ErrorCode.ENONODES && e.code() != ErrorCode.ENOSPC) {
                throw e;
            }
            return List.of();
        }
    }

    /**
     * Sends to every target at once and waits for all of them, at most until {@code deadline} (nanoTime).
     * The last target is sent to from the calling thread (it would only wait otherwise): one thread
     * handoff fewer per chunk.
     */
    private void sendAll(List<Replica> targets, String chunkId, byte[] data, int length, long crc, boolean sync,
                         long deadline, List<Replica> stored, Set<String> failed, List<String> causes)
            throws InterruptedIOException {
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < targets.size() - 1; i++) {
            Replica t = targets.get(i);
            sends.add(CompletableFuture.runAsync(() -> {
                try {
                    datanodes.put(t, chunkId, data, length, crc, sync);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, pool));
        }
        if (!targets.isEmpty()) {
            CompletableFuture<Void> here = new CompletableFuture<>();
            try {
                datanodes.put(targets.get(targets.size() - 1), chunkId, data, length, crc, sync);
                here.complete(null);
            } catch (InterruptedIOException e) {
                if (!Http.isTimeout(e)) { // this thread was interrupted, not the datanode too slow
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted writing chunk " + chunkId);
                }
                here.completeExceptionally(e);
            } catch (IOException | RuntimeException e) {
                here.completeExceptionally(e);
            }
            sends.add(here);
        }
        for (int i = 0; i < targets.size(); i++) {
            Replica t = targets.get(i);
            try {
                // each send has its own deadline, shorter than this; the wait only guards against a stuck pool
                sends.get(i).get(Math.max(0, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1),
                        TimeUnit.NANOSECONDS);
                stored.add(t);
            } catch (ExecutionException e) {
                failed.add(t.id());
                causes.add(t.address() + ": " + e.getCause().getMessage());
                LOG.warn("chunk {} to {} failed: {}; trying another node", chunkId, t.address(), e.getCause().toString());
            } catch (TimeoutException e) {
                failed.add(t.id());
                causes.add(t.address() + ": no answer in time");
                LOG.warn("chunk {} to {}: no answer in time; trying another node", chunkId, t.address());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted writing chunk " + chunkId);
            }
        }
    }
}
