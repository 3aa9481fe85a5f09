package io.cairn.mount;

import io.cairn.common.client.ChunkWriter;
import io.cairn.common.client.Cluster;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.Requests;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The bytes of one open file on this mount, shared by all its handles: a chunk-sized buffer per
 * chunk with unflushed writes (filled from the stored chunk first, so a write into the middle of a
 * chunk is a read-modify-write), uploaded in the background as soon as a chunk is full, and
 * committed to the master on flush, fsync, or when the mount's buffer budget runs out. Reads see
 * the buffers first, then the committed chunks.
 */
final class FileData {
    final long inode;
    private final int chunkSize;
    private final Cluster cluster;
    private final DirtyBudget budget;
    private final ChunkCache cache;
    private long size;
    private boolean metaDirty;
    private final TreeMap<Long, Buf> dirty = new TreeMap<>();
    private final Map<Long, ChunkRef> committed = new HashMap<>();
    private boolean layoutStale = true;
    /** Chunks committed but only in their replicas' page cache: fsync makes them durable. */
    private final List<ChunkWriter.Written> unsynced = new ArrayList<>();
    int opens;

    private static final class Buf {
        /** Grows (doubling) up to the chunk size, so a small file never costs a whole chunk of memory. */
        byte[] data;

        void ensure(int length, int chunkSize) {
            if (data.length < length) {
                int n = Math.max(length, Math.min(chunkSize, Math.max(64 * 1024, data.length * 2)));
                data = java.util.Arrays.copyOf(data, n);
            }
        }

        long version;
        Future<ChunkWriter.Written> upload;
        long uploadVersion = -1;
    }

    FileData(long inode, int chunkSize, long size, Cluster cluster, DirtyBudget budget, ChunkCache cache) {
        this.inode = inode;
        this.chunkSize = chunkSize;
        this.size = size;
        this.cluster = cluster;
        this.budget = budget;
        this.cache = cache;
    }

    synchronized long size() {
        return size;
    }

    synchronized boolean hasUnflushed() {
        return metaDirty || !dirty.isEmpty();
    }

    /** Takes the master's view again (at open, when nothing here is unflushed). */
    synchronized void refresh(Attr attr) {
        if (!hasUnflushed()) {
            size = attr.size();
            layoutStale = true;
        }
    }

    private void loadLayout() throws IOException {
        if (!layoutStale) {
            return;
        }
        committed.clear();
        Long from = 0L;
        long masterSize = size;
        while (from != null) {
            FileLayout page = cluster.master().layout(inode, from, 4096);
            page.chunks().forEach(c -> committed.put(c.index(), c));
            masterSize = page.size();
            from = page.next();
        }
        if (!hasUnflushed()) {
            size = masterSize;
        }
        layoutStale = false;
    }

    // ---- reads

    synchronized int read(long offset, byte[] out, int len) throws IOException {
        if (offset >= size) {
            return 0;
        }
        int n = (int) Math.min(len, size - offset);
        int done = 0;
        while (done < n) {
            long pos = offset + done;
            long idx = pos / chunkSize;
            int within = (int) (pos % chunkSize);
            int step = Math.min(n - done, chunkSize - within);
            Buf b = dirty.get(idx);
            if (b != null) {
                int have = Math.max(0, Math.min(step, b.data.length - within));
                System.arraycopy(b.data, within, out, done, have);
                java.util.Arrays.fill(out, done + have, done + step, (byte) 0);
            } else {
                loadLayout();
                ChunkRef ref = committed.get(idx);
                int have = 0;
                if (ref != null && within < ref.length()) {
                    byte[] data = cache.get(ref);
                    have = (int) Math.min(step, Math.min(ref.length(), data.length) - within);
                    System.arraycopy(data, within, out, done, have);
                    ChunkRef next = committed.get(idx + 1);
                    if (next != null && within + step >= chunkSize / 2) {
                        cache.prefetch(next); // sequential reader: fetch the next chunk ahead
                    }
                }
                java.util.Arrays.fill(out, done + have, done + step, (byte) 0); // holes and truncated tails
            }
            done += step;
        }
        return n;
    }

    // ---- writes

    synchronized void write(long offset, byte[] src, int len) throws IOException {
        int done = 0;
        while (done < len) {
            long pos = offset + done;
            long idx = pos / chunkSize;
            int within = (int) (pos % chunkSize);
            int step = Math.min(len - done, chunkSize - within);
            Buf b = buffer(idx);
            if (b.upload != null && !b.upload.isDone()) {
                b.data = b.data.clone(); // the upload still reads the old array
            }
            b.ensure(within + step, chunkSize);
            System.arraycopy(src, done, b.data, within, step);
            b.version++;
            done += step;
            size = Math.max(size, pos + step);
            metaDirty = true;
            if (within + step == chunkSize) {
                startUpload(idx, b);
            }
        }
    }

    private Buf buffer(long idx) throws IOException {
        Buf b = dirty.get(idx);
        if (b != null) {
            return b;
        }
        while (!budget.tryTake()) {
            if (!freeSome()) {
                budget.take(); // nothing of ours to free: go over the budget by one rather than deadlock
                break;
            }
        }
        b = new Buf();
        b.data = new byte[0];
        try {
            loadLayout();
            ChunkRef ref = committed.get(idx);
            if (ref != null && ref.length() > 0) {
                byte[] old = cache.get(ref);
                int keep = (int) Math.min(ref.length(), old.length);
                b.ensure(keep, chunkSize);
                System.arraycopy(old, 0, b.data, 0, keep);
            }
        } catch (IOException | RuntimeException e) {
            budget.give(1);
            throw e;
        }
        dirty.put(idx, b);
        return b;
    }

    private int lengthOf(long idx) {
        return (int) Math.max(0, Math.min(chunkSize, size - idx * chunkSize));
    }

    private void startUpload(long idx, Buf b) {
        final int length = lengthOf(idx);
        b.ensure(length, chunkSize);
        final byte[] data = b.data;
        b.uploadVersion = b.version;
        b.upload = cluster.pool().submit(() -> {
            budget.uploads.acquire();
            try {
                return cluster.chunkWriter().write(inode, idx, data, length, false);
            } finally {
                budget.uploads.release();
            }
        });
    }

    /** Commits the oldest finished uploads to free buffers; false when this file holds none. */
    private boolean freeSome() throws IOException {
        if (dirty.isEmpty()) {
            return false;
        }
        Map.Entry<Long, Buf> oldest = null;
        for (Map.Entry<Long, Buf> e : dirty.entrySet()) {
            if (e.getValue().upload != null && e.getValue().uploadVersion == e.getValue().version) {
                oldest = e;
                break;
            }
        }
        if (oldest == null) {
            commit(); // nothing uploading: flush everything
            return true;
        }
        await(oldest.getValue().upload);
        List<Requests.CommitChunk> ready = new ArrayList<>();
        List<ChunkWriter.Written> written = new ArrayList<>();
        List<Long> drop = new ArrayList<>();
        for (Map.Entry<Long, Buf> e : dirty.entrySet()) {
            Buf b = e.getValue();
            if (b.upload != null && b.upload.isDone() && b.uploadVersion == b.version) {
                ChunkWriter.Written w = await(b.upload);
                written.add(w);
                ready.add(w.commit());
                drop.add(e.getKey());
            }
        }
        cluster.master().commit(new Requests.Commit(inode, -1, ready, null)); // grows the file; flush sets it exactly
        unsynced.addAll(written);
        for (int i = 0; i < drop.size(); i++) {
            cache.put(ready.get(i).id(), dirty.remove(drop.get(i)).data);
        }
        budget.give(drop.size());
        layoutStale = true;
        return true;
    }

    private static ChunkWriter.Written await(Future<ChunkWriter.Written> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    /**
     * Uploads every unflushed chunk, waits until each is on its replicas, and commits the chunk list
     * and size to the master: after this returns, the crash of any one process loses nothing.
     */
    synchronized void commit() throws IOException {
        if (!hasUnflushed()) {
            return;
        }
        List<Long> indexes = new ArrayList<>();
        for (Map.Entry<Long, Buf> e : dirty.entrySet()) {
            Buf b = e.getValue();
            if (lengthOf(e.getKey()) == 0) {
                continue;
            }
            if (b.upload == null || b.uploadVersion != b.version) {
                startUpload(e.getKey(), b);
            }
            indexes.add(e.getKey());
        }
        List<Requests.CommitChunk> chunks = new ArrayList<>();
        List<ChunkWriter.Written> written = new ArrayList<>();
        for (long idx : indexes) {
            ChunkWriter.Written w = await(dirty.get(idx).upload);
            if (w.commit().length() != lengthOf(idx)) { // the file grew inside this chunk since it was sent
                startUpload(idx, dirty.get(idx));
                w = await(dirty.get(idx).upload);
            }
            written.add(w);
            chunks.add(w.commit());
        }
        cluster.master().commit(new Requests.Commit(inode, size, chunks, null));
        unsynced.addAll(written);
        for (int i = 0; i < indexes.size(); i++) {
            cache.put(chunks.get(i).id(), dirty.get(indexes.get(i)).data);
        }
        budget.give(dirty.size());
        dirty.clear();
        metaDirty = false;
        layoutStale = true;
    }

    /**
     * fsync: commits, then has every replica written since the last sync flush it to stable storage
     * (the master's commit is durable already): after this returns, a power cut loses nothing.
     */
    synchronized void sync() throws IOException {
        commit();
        if (unsynced.isEmpty()) {
            return;
        }
        Map<String, List<String>> byAddress = new HashMap<>();
        for (ChunkWriter.Written w : unsynced) {
            for (Replica r : w.replicas()) {
                byAddress.computeIfAbsent(r.address(), k -> new ArrayList<>()).add(w.commit().id());
            }
        }
        List<Future<?>> calls = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byAddress.entrySet()) {
            calls.add(cluster.pool().submit(() -> {
                cluster.datanodes().sync(e.getKey(), e.getValue());
                return null;
            }));
        }
        for (Future<?> f : calls) {
            try {
                f.get();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            } catch (ExecutionException ex) {
                throw ex.getCause() instanceof IOException io ? io : new IOException(ex.getCause());
            }
        }
        unsynced.clear();
    }

    /** Flushes, then sets the size on the master (which drops or shortens chunks past it). */
    synchronized void truncate(long newSize) throws IOException {
        commit();
        cluster.master().setAttr(new Requests.SetAttr(null, inode, null, null, null, newSize, null, null));
        size = newSize;
        layoutStale = true;
    }

    /** Forgets unflushed data after a failed flush (on the last release), returning its buffers. */
    synchronized void discard() {
        budget.give(dirty.size());
        dirty.clear();
        metaDirty = false;
        layoutStale = true;
    }
}
