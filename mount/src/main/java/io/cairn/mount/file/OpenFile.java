package io.cairn.mount.file;

import io.cairn.common.client.FileChunks;
import io.cairn.common.client.LayoutPages;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.mount.cache.ChunkCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * One open regular file of the mount (shared by every handle on the same inode): its size as this
 * mount sees it, the chunk buffers being written, the uploads in flight, and the part of its chunk
 * list fetched so far. Its {@link FileChunks} owns what is uploaded: allocation, the chunks not yet
 * committed (committed in batches along the way and at flush) and those not yet synced.
 *
 * <p>Writes fill chunk-sized buffers; a full one uploads in the background while writing goes on.
 * {@link #flush} uploads what is left, waits for every upload and commits the new chunks and size in
 * one master call, so it returns only when every byte is on its replicas and in the metadata;
 * {@link #fsync} then also makes those chunks durable on the replicas' disks.
 * Reads see this mount's unflushed writes. A failed upload keeps its buffer: the next write is told
 * (once), the next flush tries it again, and once it is uploaded the failure is forgotten.
 * Lock order: the owner's commit lock, then this, then the owner's and the budget's; no network call
 * except a base or layout fetch runs under this lock.
 */
public final class OpenFile implements DirtyBudget.Evictable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenFile.class);

    private final long inode;
    private final int chunkSize;
    private final DataPath path;
    private final FileChunks chunks;
    private final LayoutPages pages;

    // Guarded by this.
    private long size;
    private boolean modified;
    private final TreeMap<Long, ChunkBuffer> dirty = new TreeMap<>();
    private final Map<Long, ChunkBuffer> uploading = new HashMap<>();
    /** Chunks uploaded by this mount since the layout was fetched; they take precedence over it. */
    private final Map<Long, ChunkRef> written = new HashMap<>();
    private Layout layout = new Layout();
    /** Chunks whose last upload failed (their buffers are dirty again), and why. */
    private final TreeMap<Long, IOException> failed = new TreeMap<>();
    /** The first failure no writer has been told of yet; null once told, or once every failed chunk is uploaded. */
    private IOException unreported;
    private boolean closed;

    /** Handles open on this file; guarded by {@link OpenFiles}. */
    int refs;

    public OpenFile(long inode, long size, DataPath path) {
        this.inode = inode;
        this.size = size;
        this.path = path;
        this.chunkSize = path.limits().chunkSize();
        this.chunks = new FileChunks(path.cluster(), inode, chunkSize, path.onCommit());
        this.pages = new LayoutPages(path.cluster()::layout, inode);
    }

    public long inode() {
        return inode;
    }

    public synchronized long size() {
        return size;
    }

    /** Whether this mount holds writes of the file that the master does not have yet. */
    public synchronized boolean hasLocalChanges() {
        return modified || !dirty.isEmpty() || !uploading.isEmpty() || chunks.hasUncommitted();
    }

    /** Takes the master's view again (close-to-open) unless this mount has changes of its own pending. */
    synchronized void refresh(long masterSize) {
        if (!hasLocalChanges()) {
            size = masterSize;
            layout = new Layout();
            written.clear();
        }
    }

    // ---- writing

    /** Writes {@code length} bytes from {@code src} at {@code offset} (at the end of the file when {@code append}). */
    public void write(long offset, int length, ByteSource src, boolean append) throws IOException {
        if (length <= 0) {
            return;
        }
        boolean permit = false;
        try {
            long pos;
            synchronized (this) {
                reportFailure();
                pos = append ? size : offset;
            }
            if (pos < 0 || pos > Long.MAX_VALUE - length) {
                throw new CairnException(ErrorCode.EFBIG, "write past the largest file size");
            }
            long done = 0;
            while (done < length) {
                long index = pos / chunkSize;
                int at = (int) (pos % chunkSize);
                int n = (int) Math.min(length - done, chunkSize - at);
                synchronized (this) {
                    if (closed) {
                        throw new CairnException(ErrorCode.EIO, "file was closed while being written");
                    }
                    ChunkBuffer b = dirty.get(index);
                    if (b == null && uploading.containsKey(index)) {
                        waitForChange(); // that chunk is on its way out; write over it once it is uploaded
                        continue;
                    }
                    if (b == null && (permit || path.budget().tryAcquire())) {
                        permit = true;
                        b = newBuffer(index);
                        permit = false; // the buffer holds it now
                    }
                    if (b != null) {
                        if (b.needsBaseForWrite(at)) {
                            mergeBase(b);
                        }
                        b.write(at, src, done, n);
                        size = Math.max(size, pos + n);
                        modified = true;
                        if (b.isFull() && at + n == chunkSize) { // written up to its end: the writer has moved on
                            startUpload(b);
                        } else {
                            path.budget().touch(this, index);
                        }
                        pos += n;
                        done += n;
                        continue;
                    }
                }
                path.budget().acquire(); // outside the lock: it may make this very file upload
                permit = true;
            }
        } finally {
            if (permit) {
                path.budget().release();
            }
        }
        chunks.commitIfBatchFull();
    }

    private ChunkBuffer newBuffer(long index) throws IOException {
        long start = index * chunkSize;
        int baseLength = (int) Math.max(0, Math.min(chunkSize, size - start));
        ChunkRef base = baseLength > 0 ? chunkRef(index) : null;
        ChunkBuffer b = new ChunkBuffer(index, chunkSize, base, baseLength);
        dirty.put(index, b);
        return b;
    }

    private void mergeBase(ChunkBuffer b) throws IOException {
        ChunkRef base = b.pendingBase();
        ChunkCache.Blob blob = path.cache().get(base);
        b.mergeBase(blob.bytes(), (int) Math.min(base.length(), blob.length()));
    }

    private void startUpload(ChunkBuffer b) throws IOException {
        if (b.pendingBase() != null) {
            mergeBase(b);
        }
        long start = b.index * chunkSize;
        int length = (int) Math.min(chunkSize, size - start);
        if (length < b.end()) {
            throw new IllegalStateException("chunk " + b.index + " holds " + b.end() + " bytes, file allows " + length);
        }
        dirty.remove(b.index);
        path.budget().forget(this, b.index);
        uploading.put(b.index, b);
        byte[] bytes = b.bytesFor(length);
        try {
            path.uploads().execute(() -> upload(b, bytes, length));
        } catch (RejectedExecutionException e) {
            uploading.remove(b.index);
            dirty.put(b.index, b);
            throw new CairnException(ErrorCode.EIO, "the mount is shutting down");
        }
    }

    private void upload(ChunkBuffer b, byte[] bytes, int length) {
        ChunkRef up = null;
        IOException error = null;
        try {
            up = chunks.upload(b.index, bytes, length, false); // fsync syncs it
        } catch (IOException e) {
            error = e;
        } catch (RuntimeException e) {
            LOG.error("uploading chunk {} of inode {} failed unexpectedly", b.index, inode, e);
            error = new IOException(e);
        }
        synchronized (this) {
            uploading.remove(b.index);
            if (error == null) {
                written.put(b.index, up);
                uploaded(b.index);
                path.cache().put(up.id(), bytes, length); // reading it back costs nothing
                path.budget().release();
            } else {
                LOG.warn("uploading chunk {} of inode {} failed: {}", b.index, inode, error.toString());
                if (closed) {
                    path.budget().release();
                } else {
                    failed(b.index, error);
                    dirty.put(b.index, b); // kept: flush tries it again
                    path.budget().touch(this, b.index);
                }
            }
            notifyAll();
        }
    }

    /** Called by the budget when memory is short: start uploading this buffer now, even if partly written. */
    @Override
    public void evict(long index) {
        synchronized (this) {
            ChunkBuffer b = dirty.get(index);
            if (b == null) {
                path.budget().forget(this, index);
                return;
            }
            try {
                startUpload(b);
            } catch (IOException e) {
                path.budget().forget(this, index); // not evictable for now: flush retries it
                failed(index, e);
                LOG.warn("could not start uploading chunk {} of inode {}: {}", index, inode, e.toString());
            }
        }
    }

    /**
     * Uploads every buffered write, waits for all uploads, and commits the new chunks and the size.
     * Returns only when all of it is on the replicas and in the master's metadata.
     */
    public void flush() throws IOException {
        synchronized (this) {
            for (int attempt = 0; ; attempt++) {
                for (ChunkBuffer b : new ArrayList<>(dirty.values())) {
                    startUpload(b);
                }
                while (!uploading.isEmpty()) {
                    waitForChange();
                }
                if (failed.isEmpty()) {
                    break; // every chunk is up, including any that failed before and worked now
                }
                if (attempt >= 1) {
                    unreported = null; // the flush tells it
                    throw failed.firstEntry().getValue();
                }
                // the failed chunks are back in the dirty set: try them once more
            }
            if (!modified && !chunks.hasUncommitted()) {
                return;
            }
        }
        Attr attr = chunks.commit(this::size); // the size is taken after the chunks, so it covers them
        synchronized (this) {
            if (size == attr.size() && dirty.isEmpty() && uploading.isEmpty() && !chunks.hasUncommitted()) {
                modified = false;
            }
        }
    }

    /**
     * {@link #flush}, and then every chunk this mount wrote to the file is made durable on all its
     * replicas: the bytes survive a power cut.
     */
    public void fsync() throws IOException {
        flush();
        chunks.sync();
    }

    /** Sets the file's size (shrinking or growing it) after committing every pending write. */
    public Attr truncate(long newSize) throws IOException {
        if (newSize < 0) {
            throw new CairnException(ErrorCode.EINVAL, "negative size");
        }
        flush();
        return chunks.resize(newSize, () -> {
            synchronized (this) {
                size = newSize;
                layout = new Layout(); // the master shortened or dropped chunks: fetch the list again
                written.clear();
            }
        });
    }

    // ---- reading

    /**
     * Reads up to {@code length} bytes at {@code offset} into {@code dst}; returns how many (0 at or
     * past the end). Holes and bytes past a chunk's used length read as zeros. With
     * {@code readAhead > 0} the next chunks are fetched in the background.
     */
    public int read(long offset, int length, ByteSink dst, int readAhead) throws IOException {
        long end;
        synchronized (this) {
            if (offset < 0 || length <= 0 || offset >= size) {
                return 0;
            }
            end = Math.min(size, offset + length);
        }
        long pos = offset;
        while (pos < end) {
            long index = pos / chunkSize;
            int at = (int) (pos % chunkSize);
            int n = (int) Math.min(end - pos, chunkSize - at);
            long dstOffset = pos - offset;
            ChunkRef ref;
            synchronized (this) {
                ChunkBuffer b = dirty.get(index);
                if (b == null) {
                    b = uploading.get(index);
                }
                if (b != null) {
                    if (b.needsBaseForRead(at, at + n)) {
                        mergeBase(b);
                    }
                    b.read(at, n, dst, dstOffset);
                    pos += n;
                    continue;
                }
                ref = chunkRef(index);
            }
            if (ref == null) {
                dst.zero(dstOffset, n); // a hole
            } else {
                ChunkCache.Blob blob = path.cache().get(ref);
                int valid = (int) Math.min(ref.length(), blob.length());
                int fromBlob = Math.max(0, Math.min(n, valid - at));
                if (fromBlob > 0) {
                    dst.put(dstOffset, blob.bytes(), at, fromBlob);
                }
                if (fromBlob < n) {
                    dst.zero(dstOffset + fromBlob, n - fromBlob);
                }
            }
            pos += n;
        }
        if (readAhead > 0) {
            prefetch((end - 1) / chunkSize, readAhead);
        }
        return (int) (end - offset);
    }

    private void prefetch(long after, int count) {
        List<ChunkRef> refs = new ArrayList<>(count);
        try {
            synchronized (this) {
                long last = (size - 1) / chunkSize;
                for (long i = after + 1; i <= Math.min(after + count, last); i++) {
                    if (!dirty.containsKey(i) && !uploading.containsKey(i)) {
                        ChunkRef r = chunkRef(i);
                        if (r != null) {
                            refs.add(r);
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("read-ahead of inode {} skipped: {}", inode, e.toString());
        }
        for (ChunkRef r : refs) {
            path.cache().prefetch(r);
        }
    }

    /** The committed or uploaded chunk at {@code index}, or null for a hole. Call holding the lock. */
    private ChunkRef chunkRef(long index) throws IOException {
        ChunkRef r = written.get(index);
        if (r != null) {
            return r;
        }
        if (!layout.covers(index)) {
            layout.add(index, pages.page(index));
        }
        return layout.get(index);
    }

    // ---- closing

    /** The last handle is gone: a final flush if something is still pending, then the buffers are let go. */
    void close() {
        try {
            if (hasLocalChanges()) {
                flush();
            }
        } catch (IOException e) {
            LOG.warn("inode {}: writes not committed at its last close are lost: {}", inode, e.toString());
        }
        synchronized (this) {
            closed = true;
            for (ChunkBuffer b : dirty.values()) {
                path.budget().forget(this, b.index);
                path.budget().release();
            }
            dirty.clear();
            failed.clear();
            unreported = null;
            notifyAll();
        }
    }

    /** A chunk failed to upload: writers are told once, and flush tries it again. Call holding the lock. */
    private void failed(long index, IOException e) {
        failed.put(index, e);
        if (unreported == null) {
            unreported = e;
        }
    }

    /** A chunk is uploaded: whatever failure it had is over, and none is left to tell once all are. */
    private void uploaded(long index) {
        if (failed.remove(index) != null && failed.isEmpty()) {
            unreported = null;
        }
    }

    /** Tells a writer (once) that an earlier upload of this file failed. Call holding the lock. */
    private void reportFailure() throws IOException {
        IOException f = unreported;
        if (f != null) {
            unreported = null;
            throw new CairnException(f instanceof CairnException ce ? ce.code() : ErrorCode.EIO,
                    "an earlier write of this file failed: " + f.getMessage(), f);
        }
    }

    private void waitForChange() throws InterruptedIOException {
        try {
            wait(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for an upload");
        }
    }

    @Override
    public String toString() {
        return "OpenFile[inode " + inode + "]";
    }
}
