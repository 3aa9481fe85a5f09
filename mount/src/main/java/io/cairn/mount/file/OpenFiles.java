package io.cairn.mount.file;

import io.cairn.common.client.ChunkService;
import io.cairn.common.client.FileChunks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The open regular files of the mount by inode: one {@link OpenFile} per inode, however many
 * handles; and per inode one owner of the chunks this mount wrote to it ({@link FileChunks}), which
 * outlives the open file while some of those chunks are not yet synced. So an fsync on a descriptor
 * opened after the writer closed (cp, then a sync from another process) syncs what the writer
 * uploaded.
 *
 * <p>Bounded: the owners of closed files are kept at most {@link #IDLE_FOR} after the last close and
 * for at most {@link #MAX_IDLE_CHUNKS} unsynced chunks in all; past either, {@link #sweep} (run every
 * few seconds by the mount) syncs the oldest in the background and lets them go. Making bytes
 * durable early is always allowed; an fsync meanwhile waits for that sync and then syncs the rest.
 */
public final class OpenFiles {
    private static final Logger LOG = LoggerFactory.getLogger(OpenFiles.class);
    /** How long the owner of a closed file with unsynced chunks waits for an fsync before syncing them itself. */
    public static final Duration IDLE_FOR = Duration.ofMinutes(1);
    /** Unsynced chunks of closed files kept at most, mount-wide (about 300 bytes each). */
    public static final int MAX_IDLE_CHUNKS = 4096;

    private final DataPath path;
    private final LongSupplier nanoTime;
    private final Map<Long, OpenFile> files = new HashMap<>();
    /** Inode -> the owner of its new chunks, while an open file uses it or it has chunks to sync. */
    private final Map<Long, Owner> owners = new HashMap<>();
    /** Owners no open file uses, with chunks to sync: oldest closed first. */
    private final LinkedHashMap<Long, Owner> idle = new LinkedHashMap<>();
    /** Unsynced chunks of the idle owners, as counted when each became idle. */
    private int idleChunks;

    private static final class Owner {
        final FileChunks chunks;
        /** Open files using it: one, or two while a new open overlaps the last close of the one before. */
        int users;
        long idleSince;
        int idleCount;

        Owner(FileChunks chunks) {
            this.chunks = chunks;
        }
    }

    public OpenFiles(DataPath path) {
        this(path, System::nanoTime);
    }

    OpenFiles(DataPath path, LongSupplier nanoTime) {
        this.path = path;
        this.nanoTime = nanoTime;
    }

    /**
     * A new handle on {@code inode}, whose size the master just reported. A file already open here
     * keeps its state; if it has no pending writes it takes the master's size again (close-to-open).
     */
    public synchronized OpenFile open(long inode, long masterSize) {
        OpenFile f = files.get(inode);
        if (f == null) {
            Owner o = owners.get(inode);
            if (o == null) {
                o = new Owner(new FileChunks(path.cluster(), inode, path.limits().chunkSize(), path.onCommit()));
                owners.put(inode, o);
            }
            if (idle.remove(inode, o)) {
                idleChunks -= o.idleCount;
            }
            o.users++;
            f = new OpenFile(inode, masterSize, path, o.chunks);
            files.put(inode, f);
        } else {
            f.refresh(masterSize);
        }
        f.refs++;
        return f;
    }

    /**
     * Another mount may have changed {@code inode} (a lock on it was just granted): an open file
     * with no pending writes here takes the master's size again and fetches its chunk list anew.
     */
    public void revalidate(long inode, long masterSize) {
        OpenFile f;
        synchronized (this) {
            f = files.get(inode);
        }
        if (f != null) {
            f.refresh(masterSize);
        }
    }

    /** The open file of {@code inode}, or null. */
    public synchronized OpenFile get(long inode) {
        return files.get(inode);
    }

    /**
     * A handle is gone; the last one closes the file (a final flush of anything still pending). The
     * inode's owner of new chunks stays while some are not yet synced, for the next open (and its
     * fsync) to find.
     */
    public void release(OpenFile f) {
        synchronized (this) {
            if (--f.refs > 0) {
                return;
            }
            files.remove(f.inode(), f);
        }
        f.close();
        List<Owner> due;
        synchronized (this) {
            Owner o = owners.get(f.inode());
            if (o == null || o.chunks != f.chunks() || --o.users > 0) {
                return;
            }
            if (o.chunks.hasUncommitted()) {
                // its last flush failed: those writes are lost (close said so); what was committed is synced now
                owners.remove(f.inode(), o);
                due = List.of(o);
            } else if (o.chunks.unsyncedCount() == 0) {
                owners.remove(f.inode(), o);
                return;
            } else {
                o.idleSince = nanoTime.getAsLong();
                o.idleCount = o.chunks.unsyncedCount();
                idle.put(f.inode(), o);
                idleChunks += o.idleCount;
                due = overflow(o.idleSince);
            }
        }
        syncLater(due);
    }

    /**
     * Syncs (in the background, on the upload threads) the owners of closed files that have waited
     * long enough for an fsync, or that are past the mount-wide cap; they are let go once synced.
     */
    public void sweep() {
        List<Owner> due;
        synchronized (this) {
            due = overflow(nanoTime.getAsLong());
        }
        syncLater(due);
    }

    /** Takes out of the idle list what is due, oldest first. Call holding the lock. */
    private List<Owner> overflow(long now) {
        List<Owner> due = new ArrayList<>();
        long age = IDLE_FOR.toNanos();
        for (Iterator<Owner> it = idle.values().iterator(); it.hasNext(); ) {
            Owner o = it.next();
            if (idleChunks <= MAX_IDLE_CHUNKS && now - o.idleSince < age) {
                break; // the rest closed later
            }
            it.remove();
            idleChunks -= o.idleCount;
            due.add(o);
        }
        return due;
    }

    /** Syncs each owner in the background; it stays findable by the next open until its sync is done. */
    private void syncLater(List<Owner> due) {
        for (Owner o : due) {
            try {
                path.uploads().execute(() -> syncAndForget(o));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                syncAndForget(o); // shutting down: here and now
            }
        }
    }

    private void syncAndForget(Owner o) {
        long inode = o.chunks.inode();
        try {
            o.chunks.sync(ChunkService.LocalCopies.NONE);
        } catch (IOException | RuntimeException e) {
            LOG.warn("inode {}: syncing the chunks written before its last close failed (left to the datanodes'"
                    + " own writeback): {}", inode, e.toString());
        }
        synchronized (this) {
            if (o.users == 0 && owners.get(inode) == o) {
                owners.remove(inode, o); // a new open meanwhile keeps it, and its fsync syncs what is left
            }
        }
    }

    public synchronized int size() {
        return files.size();
    }

    /** Unsynced chunks of closed files this mount keeps (for a later fsync), and of how many files. */
    public synchronized int idleChunks() {
        return idleChunks;
    }

    public synchronized int idleFiles() {
        return idle.size();
    }

    /**
     * Flushes every open file (at unmount); errors are logged by each file. The chunks of closed files
     * that no fsync asked for are synced in the background on the upload threads, which the mount
     * gives a few seconds to finish before it exits.
     */
    public void closeAll() {
        OpenFile[] all;
        List<Owner> rest;
        synchronized (this) {
            all = files.values().toArray(new OpenFile[0]);
            files.clear();
        }
        for (OpenFile f : all) {
            f.close();
        }
        synchronized (this) {
            rest = new ArrayList<>(owners.values());
            owners.clear();
            idle.clear();
            idleChunks = 0;
        }
        for (Owner o : rest) {
            o.users = 0;
        }
        syncLater(rest); // at unmount: durable before the mount goes away, if the cluster answers
    }

    @Override
    public String toString() {
        return "OpenFiles[" + size() + " open, " + idleFiles() + " closed with chunks to sync]";
    }

    /** For tests and logs: the owners kept per inode. */
    synchronized Map<Long, FileChunks> owners() {
        Map<Long, FileChunks> m = new HashMap<>();
        owners.forEach((k, v) -> m.put(k, v.chunks));
        return m;
    }
}
