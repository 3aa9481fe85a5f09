package io.cairn.mount.file;

import io.cairn.common.client.Deadlines;
import io.cairn.common.client.FileChunks;
import io.cairn.common.wire.Allocation;
import io.cairn.common.client.LayoutPages;
import io.cairn.common.client.Overlay;
import io.cairn.common.checksum.BlockSums;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.Caller;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.Limits;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One open regular file of the mount (shared by every handle on the same inode): its size as this
 * mount sees it, the chunk buffers being written, the uploads in flight, and the part of its chunk
 * list fetched so far. Its {@link FileChunks} owns what is uploaded: allocation, the chunks not yet
 * committed (committed in batches along the way and at flush) and those not yet synced; the owner
 * is the inode's, kept by {@link OpenFiles} beyond this object while it has chunks to sync.
 *
 * <p>Writes fill chunk-sized buffers; a full one uploads in the background while writing goes on.
 * {@link #flush} uploads what is left, waits for every upload and commits the new chunks and size in
 * one master call, so it returns only when every byte is on its replicas and in the metadata;
 * {@link #fsync} then also makes those chunks durable on R live replicas' disks.
 * Reads see this mount's unflushed writes. A failed upload keeps its buffer: the next write is told
 * (once), the next flush tries it again, and once it is uploaded the failure is forgotten.
 *
 * <p>No network call runs under this object's lock, which {@code getattr} and {@code open} of the
 * file need: a chunk-list page, the old bytes of a chunk being rewritten, or a chunk being read are
 * fetched with no lock held and published under it. Every wait has a deadline: a wait for uploads
 * gives up (EIO) when none has finished for as long as one chunk's upload may take.
 * Lock order: the owner's commit lock, then this, then the owner's and the budget's.
 */
public final class OpenFile implements DirtyBudget.Evictable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenFile.class);
    /** Unsynced chunks an open file holds at most before they are synced in the background. */
    static final int MAX_UNSYNCED = 1024;
    /**
     * The most slices (written ranges, all in one blob) one upload of a buffer lays over its chunk; a
     * buffer written in more ranges uploads whole.
     */
    static final int MAX_SLICES_PER_UPLOAD = 64;
    /** Chunk-list fetches a read or write retries when the list is replaced under it (a truncate, a reopen). */
    private static final int LAYOUT_TRIES = 3;

    private final long inode;
    private final int chunkSize;
    private final DataPath path;
    private final FileChunks chunks;
    private final LayoutPages pages;
    /** A wait for uploads fails when none has finished for this long. */
    private final long stallNanos;
    private final AtomicBoolean syncingBehind = new AtomicBoolean();
    private final AtomicBoolean compacting = new AtomicBoolean();
    private final AtomicBoolean committingBehind = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong compactions = new java.util.concurrent.atomic.AtomicLong();

    // Guarded by this.
    private long size;
    private boolean modified;
    private final TreeMap<Long, ChunkBuffer> dirty = new TreeMap<>();
    private final Map<Long, ChunkBuffer> uploading = new HashMap<>();
    /** Uploads that have ended (either way), so that a waiter sees progress. */
    private long uploadsEnded;
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
    /**
     * Whom this file's master calls are made as, whichever thread makes them (an upload, a
     * compaction, the flush of a release, an eviction asked by another file's writer): the last
     * process that opened it for writing, else the one that first opened it.
     */
    private volatile Caller actor = Caller.current();

    public OpenFile(long inode, long size, DataPath path) {
        this(inode, size, path, new FileChunks(path.cluster(), inode, path.limits().chunkSize(), path.onCommit()));
    }

    /** An open file writing through {@code chunks}, the inode's owner of new chunks (perhaps from an earlier open). */
    OpenFile(long inode, long size, DataPath path, FileChunks chunks) {
        this.inode = inode;
        this.size = size;
        this.path = path;
        this.chunkSize = path.limits().chunkSize();
        this.chunks = chunks;
        this.pages = new LayoutPages(path.cluster()::layout, inode);
        Deadlines d = path.cluster().deadlines();
        this.stallNanos = d.chunkWrite(chunkSize).plus(d.call()).toNanos(); // an allocation, then the write
    }

    /** Makes the master calls of this file as {@code caller} from now on (a process that opened it for writing). */
    public void actAs(Caller caller) {
        if (caller != null) {
            actor = caller;
        }
    }

    /** Runs {@code body} as this file's {@link #actor}. */
    private <T> T acting(IoBody<T> body) throws IOException {
        try {
            return Caller.as(actor, body::run);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    @FunctionalInterface
    private interface IoBody<T> {
        T run() throws IOException;
    }

    /** {@code task} to run as this file's {@link #actor} on an upload thread. */
    private Runnable acting(Runnable task) {
        Caller c = actor;
        return () -> {
            try {
                Caller.as(c, () -> {
                    task.run();
                    return null;
                });
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    public long inode() {
        return inode;
    }

    /** An allocation the master leased to this file already (with its create): the next upload uses it. */
    public void offer(Allocation first) {
        chunks.offer(first);
    }

    FileChunks chunks() {
        return chunks;
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

    /**
     * Writes {@code length} bytes from {@code src} at {@code offset} (at the end of the file when
     * {@code append}) and returns how many: all of them, or as many as fit below the largest file
     * ({@link Limits#MAX_FILE_SIZE}); none fit is EFBIG.
     */
    public int write(long offset, int length, ByteSource src, boolean append) throws IOException {
        if (length <= 0) {
            return 0;
        }
        boolean permit = false;
        try {
            long pos;
            synchronized (this) {
                reportFailure();
                pos = append ? size : offset;
            }
            if (pos < 0 || pos >= Limits.MAX_FILE_SIZE) {
                throw new CairnException(ErrorCode.EFBIG, "a write at byte " + pos + " is past the largest file ("
                        + Limits.MAX_FILE_SIZE + " bytes)");
            }
            length = (int) Math.min(length, Limits.MAX_FILE_SIZE - pos); // POSIX: what fits is written
            long done = 0;
            int layoutTries = 0;
            while (done < length) {
                long index = pos / chunkSize;
                int at = (int) (pos % chunkSize);
                int n = (int) Math.min(length - done, chunkSize - at);
                Step next;
                synchronized (this) {
                    if (closed) {
                        throw new CairnException(ErrorCode.EIO, "file was closed while being written");
                    }
                    next = writeStep(index, at, n, src, done, pos, permit);
                    if (next == Step.WROTE) {
                        permit = false; // a new buffer, if one was made, holds it now
                        pos += n;
                        done += n;
                        layoutTries = 0;
                        continue;
                    }
                }
                switch (next) {
                    case WAIT_UPLOAD -> awaitUpload(index);
                    case NEED_PERMIT -> {
                        path.budget().acquire(); // outside the lock: it may make this very file upload
                        permit = true;
                    }
                    case NEED_LAYOUT -> {
                        if (++layoutTries > LAYOUT_TRIES) {
                            throw new CairnException(ErrorCode.EIO, "the chunk list of inode " + inode
                                    + " kept changing while it was fetched");
                        }
                        loadLayout(index);
                    }
                    default -> throw new IllegalStateException(next.toString());
                }
            }
        } finally {
            if (permit) {
                path.budget().release();
            }
        }
        int waiting = chunks.uncommittedCount();
        if (waiting >= 4 * FileChunks.COMMIT_BATCH) { // the background commits fall behind: this writer waits for one
            if (chunks.commitIfBatchFull() != null) {
                compactIfDue();
            }
        } else if (waiting >= FileChunks.COMMIT_BATCH) {
            commitBehind();
        }
        return length;
    }

    /** Commits a full batch of uploaded chunks in the background (one such commit of a file at a time). */
    private void commitBehind() {
        if (!committingBehind.compareAndSet(false, true)) {
            return;
        }
        try {
            path.uploads().execute(acting(() -> {
                try {
                    if (chunks.commitIfBatchFull() != null) {
                        compactIfDue();
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warn("inode {}: committing uploaded chunks in the background failed (flush tries again): {}",
                            inode, e.toString());
                } finally {
                    committingBehind.set(false);
                }
            }));
        } catch (RejectedExecutionException e) {
            committingBehind.set(false);
        }
    }

    /** What a write (or read) step did, or what it needs fetched or waited for before it can. */
    private enum Step { WROTE, WAIT_UPLOAD, NEED_PERMIT, NEED_LAYOUT }

    /** The old bytes of chunk {@code ref}: {@code bytes[0..valid)}. */
    private record Base(ChunkRef ref, byte[] bytes, int valid) {
    }

    /**
     * One chunk's part of a write, under the lock; nothing here waits or calls out. A write into a
     * chunk that has bytes already never fetches them: the buffer keeps what was written over them.
     */
    private Step writeStep(long index, int at, int n, ByteSource src, long srcOffset, long pos, boolean permit)
            throws IOException {
        ChunkBuffer b = dirty.get(index);
        if (b == null && uploading.containsKey(index)) {
            return Step.WAIT_UPLOAD; // that chunk is on its way out; write over it once it is uploaded
        }
        if (b == null) {
            long start = index * chunkSize;
            int baseLength = (int) Math.max(0, Math.min(chunkSize, size - start));
            ChunkRef old = null;
            if (baseLength > 0) {
                if (!knows(index)) {
                    return Step.NEED_LAYOUT;
                }
                old = known(index);
            }
            if (!permit && !path.budget().tryAcquire()) {
                return Step.NEED_PERMIT;
            }
            b = new ChunkBuffer(index, chunkSize, old, baseLength);
            dirty.put(index, b);
        }
        b.write(at, src, srcOffset, n);
        size = Math.max(size, pos + n);
        modified = true;
        if (b.isFull() && at + n == chunkSize) { // written up to its end: the writer has moved on
            startUpload(b);
        } else {
            path.budget().touch(this, index);
        }
        return Step.WROTE;
    }

    /** The content of chunk {@code ref} with its slices laid over it, fetched (or taken from the cache) with no lock held. */
    private Base layered(ChunkRef ref) throws IOException {
        ChunkCache.Blob blob = fetched(ref, path.cache()::get);
        int valid = (int) Math.min(ref.length(), blob.length());
        if (ref.slices() == null) {
            return new Base(ref, blob.bytes(), valid);
        }
        byte[] merged = Overlay.merge(ref, blob.bytes(), valid, this::sliceBytes);
        return new Base(ref, merged, Overlay.length(ref));
    }

    /** A slice's bytes, from the cache or its replicas. */
    private byte[] sliceBytes(ChunkRef slice) throws IOException {
        return fetched(slice, path.cache()::get).bytes();
    }

    /** Starts uploading a buffer; its old bytes, if still needed, are merged in by the upload itself. Call holding the lock. */
    private void startUpload(ChunkBuffer b) throws IOException {
        long start = b.index * chunkSize;
        int length = (int) Math.min(chunkSize, size - start);
        if (length < b.end()) {
            throw new IllegalStateException("chunk " + b.index + " holds " + b.end() + " bytes, file allows " + length);
        }
        dirty.remove(b.index);
        path.budget().forget(this, b.index);
        uploading.put(b.index, b);
        try {
            path.uploads().execute(acting(() -> upload(b, length)));
        } catch (RejectedExecutionException e) {
            uploading.remove(b.index);
            dirty.put(b.index, b);
            throw new CairnException(ErrorCode.EIO, "the mount is shutting down");
        }
    }

    /**
     * Whether a buffer over a pending base uploads as slices (only what was written): when its
     * written ranges are few and small, and the chunk would not carry too many slices. Else the base
     * is merged in and the whole chunk uploaded, which also folds the chunk's slices. Call holding the lock.
     */
    private boolean asSlices(ChunkBuffer b) {
        ChunkRef base = b.pendingBase();
        if (base == null) {
            return false;
        }
        int ranges = b.writtenRanges().size();
        return ranges <= MAX_SLICES_PER_UPLOAD && b.writtenBytes() <= chunkSize / 4
                && base.sliceList().size() + ranges <= 2 * Limits.COMPACT_AT;
    }

    private void upload(ChunkBuffer b, int length) {
        path.uploadCounts().started();
        boolean ok = false;
        try {
            ok = uploadCounted(b, length);
        } finally {
            path.uploadCounts().ended(ok);
        }
    }

    /** {@link #upload}; says whether the chunk went up. */
    private boolean uploadCounted(ChunkBuffer b, int length) {
        ChunkRef up = null;
        byte[] bytes = null;
        List<ChunkRef> slices = null;
        byte[] blob = null;
        IOException error = null;
        try {
            ChunkRef old;
            List<int[]> ranges = null;
            synchronized (this) {
                old = b.pendingBase();
                if (asSlices(b)) {
                    ranges = new ArrayList<>();
                    blob = new byte[(int) b.writtenBytes()];
                    int from = 0;
                    for (int[] r : b.writtenRanges()) { // the written ranges one after another in one blob
                        int n = r[1] - r[0];
                        b.read(r[0], n, ByteSink.of(blob), from);
                        ranges.add(new int[] {r[0], n});
                        from += n;
                    }
                }
            }
            if (ranges != null) { // only the bytes written: one blob, each range a slice of it over the chunk
                slices = chunks.uploadSlices(b.index, ranges, blob, false);
            } else {
                if (old != null) { // partly rewritten: the old bytes under the new ones, fetched with no lock held
                    Base base = layered(old);
                    synchronized (this) {
                        if (b.pendingBase() == old) {
                            b.mergeBase(base.bytes(), base.valid());
                        }
                    }
                }
                synchronized (this) {
                    bytes = b.bytesFor(length);
                }
                up = chunks.upload(b.index, bytes, length, false); // fsync syncs it
            }
        } catch (IOException e) {
            error = e;
        } catch (RuntimeException e) {
            LOG.error("uploading chunk {} of inode {} failed unexpectedly", b.index, inode, e);
            error = new IOException(e);
        }
        synchronized (this) {
            uploading.remove(b.index);
            uploadsEnded++;
            if (error == null) {
                if (slices != null) {
                    ChunkRef under = knows(b.index) ? known(b.index) : null;
                    if (under == null) {
                        under = b.pendingBase();
                    }
                    for (ChunkRef sl : slices) {
                        under = under.plusSlice(sl);
                    }
                    path.cache().put(slices.get(0).id(), blob, blob.length);
                    written.put(b.index, under);
                } else {
                    written.put(b.index, up);
                    path.cache().put(up.id(), bytes, length); // reading it back costs nothing
                }
                uploaded(b.index);
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
        if (error == null && chunks.unsyncedCount() >= MAX_UNSYNCED) {
            syncBehind();
        }
        return error == null;
    }

    /** Syncs the file's chunks in the background, so that what an open file keeps unsynced stays bounded. */
    private void syncBehind() {
        if (!syncingBehind.compareAndSet(false, true)) {
            return;
        }
        try {
            path.uploads().execute(acting(() -> {
                try {
                    chunks.sync(this::localCopy);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("inode {}: syncing its chunks in the background failed (an fsync tries again): {}",
                            inode, e.toString());
                } finally {
                    syncingBehind.set(false);
                }
            }));
        } catch (RejectedExecutionException e) {
            syncingBehind.set(false);
        }
    }

    /** Called by the budget when memory is short: start uploading this buffer now, even if partly written. */
    @Override
    public void evict(long index) {
        acting(() -> evictNow(index)).run(); // asked by whichever writer is short of memory: upload as this file's actor
    }

    private void evictNow(long index) {
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
        acting(() -> {
            flushNow();
            return null;
        });
    }

    private void flushNow() throws IOException {
        synchronized (this) {
            for (int attempt = 0; ; attempt++) {
                for (ChunkBuffer b : new ArrayList<>(dirty.values())) {
                    startUpload(b);
                }
                awaitUploads();
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
        compactIfDue();
    }

    // ---- compaction

    /**
     * Compacts, in the background, the chunks this mount laid {@link Limits#COMPACT_AT} slices or
     * more over: each is read with its slices and written again as one whole chunk, so that what a
     * chunk costs to read and to describe stays bounded however many small writes it gets. One
     * compaction of a file runs at a time; one that loses a race with another writer changes nothing.
     */
    private void compactIfDue() {
        List<Long> due = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<Long, ChunkRef> e : written.entrySet()) {
                if (e.getValue().sliceList().size() >= Limits.COMPACT_AT) {
                    due.add(e.getKey());
                }
            }
        }
        if (due.isEmpty() || !compacting.compareAndSet(false, true)) {
            return;
        }
        try {
            path.uploads().execute(acting(() -> {
                try {
                    for (long index : due) {
                        compact(index);
                    }
                } finally {
                    compacting.set(false);
                }
            }));
        } catch (RejectedExecutionException e) {
            compacting.set(false);
        }
    }

    private void compact(long index) {
        try {
            ChunkRef c = Layout.find(path.cluster().layout(inode, index, 1), index); // what the master has
            if (c == null || c.sliceList().size() < Limits.COMPACT_AT) {
                return;
            }
            Base merged = layered(c);
            ChunkRef fresh = chunks.compact(c, c.sliceList(), merged.bytes(), merged.valid());
            path.cache().put(fresh.id(), merged.bytes(), merged.valid());
            compactions.incrementAndGet();
            synchronized (this) {
                ChunkRef now = knows(index) ? known(index) : null;
                if (now != null && now.id().equals(c.id())) { // what this mount laid on since stays on top
                    java.util.Set<String> folded = new java.util.HashSet<>();
                    c.sliceList().forEach(sl -> folded.add(sl.id()));
                    written.put(index, fresh.withSlices(now.sliceList().stream()
                            .filter(sl -> !folded.contains(sl.id())).toList()));
                }
            }
        } catch (CairnException e) {
            if (e.code() == ErrorCode.ESTALE) {
                LOG.debug("inode {}: chunk {} changed while it was compacted; it is left as it is", inode, index);
            } else {
                LOG.warn("inode {}: compacting chunk {} failed (its slices stay): {}", inode, index, e.toString());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("inode {}: compacting chunk {} failed (its slices stay): {}", inode, index, e.toString());
        }
    }

    /** How many chunks this open file has compacted. */
    long compactions() {
        return compactions.get();
    }

    /**
     * {@link #flush}, and then every chunk this mount wrote to the file and has not synced yet
     * (through this open or an earlier one) is made durable on R live replicas: the bytes survive a
     * power cut, and a replica that died since it took a chunk is made up for by a new copy.
     */
    public void fsync() throws IOException {
        acting(() -> {
            flushNow();
            chunks.sync(this::localCopy);
            return null;
        });
    }

    /** This mount's own copy of a chunk (just uploaded or read), so that a new replica costs no fetch. */
    private byte[] localCopy(ChunkRef c) {
        ChunkCache.Blob b = path.cache().peek(c.id());
        return b != null && b.length() >= c.size() ? b.bytes() : null;
    }

    /** Sets the file's size (shrinking or growing it) after committing every pending write. */
    public Attr truncate(long newSize) throws IOException {
        if (newSize < 0) {
            throw new CairnException(ErrorCode.EINVAL, "negative size");
        }
        if (newSize > Limits.MAX_FILE_SIZE) {
            throw new CairnException(ErrorCode.EFBIG, "size " + newSize + " is past the largest file ("
                    + Limits.MAX_FILE_SIZE + " bytes)");
        }
        return acting(() -> {
            flushNow();
            return chunks.resize(newSize, () -> {
                synchronized (this) {
                    size = newSize;
                    layout = new Layout(); // the master shortened or dropped chunks: fetch the list again
                    written.clear();
                }
            });
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
        int layoutTries = 0;
        while (pos < end) {
            long index = pos / chunkSize;
            int at = (int) (pos % chunkSize);
            int n = (int) Math.min(end - pos, chunkSize - at);
            long dstOffset = pos - offset;
            ChunkRef ref;
            ChunkBuffer over = null; // a buffer whose written bytes go over what is read of the chunk under it
            boolean needLayout = false;
            synchronized (this) {
                ChunkBuffer b = dirty.get(index);
                if (b == null) {
                    b = uploading.get(index);
                }
                if (b != null && !b.needsBaseForRead(at, at + n)) {
                    b.read(at, n, dst, dstOffset);
                    pos += n;
                    continue;
                }
                if (b != null) { // the old bytes under the buffer are read (not fetched whole), then its own laid over
                    over = b;
                    ref = b.pendingBase();
                } else if (knows(index)) {
                    ref = known(index);
                } else {
                    ref = null;
                    needLayout = true;
                }
            }
            if (needLayout) {
                FileLayout page = loadLayout(index);
                if (++layoutTries <= LAYOUT_TRIES || page == null) {
                    continue;
                }
                ref = Layout.find(page, index); // the list keeps being replaced: read what the master said
            }
            layoutTries = 0;
            if (ref == null) {
                dst.zero(dstOffset, n); // a hole
            } else if (readAhead == 0 && !path.cache().holds(ref.id())) {
                // a random read: only the 64 KiB blocks it touches, not the whole chunk (unless it is
                // here, or being fetched for a sequential reader)
                int valid = (int) Math.min(ref.length(), ref.size());
                int fromBlob = Math.max(0, Math.min(n, valid - at));
                if (fromBlob > 0) {
                    long first = (long) at / BlockSums.BLOCK * BlockSums.BLOCK;
                    long last = Math.min(ref.size(), ((long) at + fromBlob + BlockSums.BLOCK - 1)
                            / BlockSums.BLOCK * BlockSums.BLOCK);
                    byte[] blocks = fetched(ref, r -> path.cluster().fetchRange(r, first, (int) (last - first)));
                    dst.put(dstOffset, blocks, (int) (at - first), fromBlob);
                }
                if (fromBlob < n) {
                    dst.zero(dstOffset + fromBlob, n - fromBlob);
                }
            } else {
                ChunkCache.Blob blob = fetched(ref, path.cache()::get);
                int valid = (int) Math.min(ref.length(), blob.length());
                int fromBlob = Math.max(0, Math.min(n, valid - at));
                if (fromBlob > 0) {
                    dst.put(dstOffset, blob.bytes(), at, fromBlob);
                }
                if (fromBlob < n) {
                    dst.zero(dstOffset + fromBlob, n - fromBlob);
                }
            }
            if (ref != null && ref.slices() != null) { // what was written over the chunk since, in order
                long from = dstOffset - at;
                Overlay.over(ref, at, n, this::sliceBytes, (p, src, off, len) -> dst.put(from + p, src, off, len));
            }
            if (over != null) {
                synchronized (this) {
                    over.readWritten(at, n, dst, dstOffset); // as it is now: later writes count too
                }
            }
            pos += n;
        }
        if (readAhead > 0) {
            prefetch((end - 1) / chunkSize, readAhead);
        }
        return (int) (end - offset);
    }

    /** A read of some of a chunk's bytes. */
    @FunctionalInterface
    private interface ChunkRead<T> {
        T from(ChunkRef ref) throws IOException;
    }

    /**
     * What {@code read} gets of {@code ref} (from the cache or its replicas); when the datanodes
     * refuse the chunk tokens {@code ref} came with (kept longer than they last), the master is asked
     * for the chunk again and it is read once more with the fresh ones, which replace the stale ones
     * here. Called with no lock held.
     */
    private <T> T fetched(ChunkRef ref, ChunkRead<T> read) throws IOException {
        try {
            return read.from(ref);
        } catch (IOException e) {
            ChunkRef again = LayoutPages.tokenRefused(e) ? pages.again(ref) : null;
            if (again == null) {
                throw e;
            }
            ChunkRef fresh = new ChunkRef(ref.index(), ref.id(), ref.size(), ref.length(), ref.crc32c(),
                    again.replicas());
            synchronized (this) {
                long i = ref.index();
                if (ref.equals(written.get(i))) {
                    written.put(i, fresh);
                } else if (layout.covers(i) && ref.equals(layout.get(i))) {
                    layout.replace(fresh);
                }
            }
            return read.from(fresh);
        }
    }

    /** Starts fetching the chunks after {@code after} that the fetched part of the chunk list names. */
    private void prefetch(long after, int count) {
        List<ChunkRef> refs = new ArrayList<>(count);
        synchronized (this) {
            long last = (size - 1) / chunkSize;
            for (long i = after + 1; i <= Math.min(after + count, last); i++) {
                if (!dirty.containsKey(i) && !uploading.containsKey(i) && knows(i)) {
                    ChunkRef r = known(i);
                    if (r != null) {
                        refs.add(r);
                    }
                }
            }
        }
        for (ChunkRef r : refs) {
            path.cache().prefetch(r);
        }
    }

    /** Whether the chunk at {@code index} (or its being a hole) is known here. Call holding the lock. */
    private boolean knows(long index) {
        return written.containsKey(index) || layout.covers(index);
    }

    /** The committed or uploaded chunk at {@code index}, or null for a hole; only when {@link #knows}. Call holding the lock. */
    private ChunkRef known(long index) {
        ChunkRef r = written.get(index);
        return r != null ? r : layout.get(index);
    }

    /**
     * Fetches the page of the chunk list from {@code index} with no lock held, and keeps it unless
     * the list was replaced meanwhile (a truncate, a reopen): then the caller looks again. Returns
     * the page (null when nothing needed fetching).
     */
    private FileLayout loadLayout(long index) throws IOException {
        Layout at;
        synchronized (this) {
            if (knows(index)) {
                return null;
            }
            at = layout;
        }
        FileLayout page = pages.page(index);
        synchronized (this) {
            if (layout == at) {
                layout.add(index, page);
            }
        }
        return page;
    }

    // ---- closing

    /** The last handle is gone: a final flush if something is still pending, then the buffers are let go. */
    void close() {
        try {
            if (hasLocalChanges()) {
                flush(); // as this file's actor: a release comes with no caller's ids
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

    /** Waits until no upload of this file is under way; fails when none ends for {@link #stallNanos}. Call holding the lock. */
    private void awaitUploads() throws IOException {
        long seen = uploadsEnded;
        long deadline = System.nanoTime() + stallNanos;
        while (!uploading.isEmpty()) {
            if (uploadsEnded != seen) {
                seen = uploadsEnded;
                deadline = System.nanoTime() + stallNanos;
            }
            waitUntil(deadline);
        }
    }

    /** Waits until chunk {@code index} is no longer uploading, at most {@link #stallNanos}. */
    private synchronized void awaitUpload(long index) throws IOException {
        long deadline = System.nanoTime() + stallNanos;
        while (uploading.containsKey(index)) {
            waitUntil(deadline);
        }
    }

    private void waitUntil(long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new CairnException(ErrorCode.EIO, "uploads of inode " + inode + " made no progress for "
                    + TimeUnit.NANOSECONDS.toSeconds(stallNanos) + " s");
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
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
