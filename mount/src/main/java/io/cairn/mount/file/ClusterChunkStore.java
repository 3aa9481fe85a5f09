package io.cairn.mount.file;

import io.cairn.common.client.ChunkReader;
import io.cairn.common.client.ChunkWriter;
import io.cairn.common.client.DatanodeClient;
import io.cairn.common.client.MasterClient;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.Replica;
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
 * {@link ChunkStore} over the real cluster: the master for metadata, datanodes for bytes. Chunks
 * are uploaded without a sync on the datanodes (close() needs them on every replica, checked;
 * fsync() needs them on disk, and asks for that separately, one call per datanode).
 */
public final class ClusterChunkStore implements ChunkStore {
    private final MasterClient master;
    private final ChunkWriter writer;
    private final ChunkReader reader;
    private final DatanodeClient datanodes;
    private final Executor pool;

    public ClusterChunkStore(MasterClient master, ChunkWriter writer, ChunkReader reader, DatanodeClient datanodes,
                             Executor pool) {
        this.master = master;
        this.writer = writer;
        this.reader = reader;
        this.datanodes = datanodes;
        this.pool = pool;
    }

    @Override
    public Uploaded upload(long inode, long index, byte[] data, int length) throws IOException {
        ChunkWriter.Written w = writer.write(inode, index, data, length, false);
        Requests.CommitChunk c = w.commit();
        return new Uploaded(c, new ChunkRef(index, c.id(), c.size(), c.length(), c.crc32c(), w.replicas()));
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
    public byte[] fetch(ChunkRef chunk) throws IOException {
        return reader.read(chunk);
    }

    @Override
    public FileLayout layout(long inode, long from, int limit) throws IOException {
        return master.layout(inode, from, limit);
    }

    @Override
    public Attr commit(Requests.Commit commit) throws IOException {
        return master.commit(commit);
    }

    @Override
    public Attr setSize(long inode, long size) throws IOException {
        return master.setAttr(new Requests.SetAttr(null, inode, null, null, null, size, null, null));
    }
}
