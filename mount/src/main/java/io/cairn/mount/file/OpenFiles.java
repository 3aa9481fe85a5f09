package io.cairn.mount.file;

import java.util.HashMap;
import java.util.Map;

/** The open regular files of the mount by inode: one {@link OpenFile} per inode, however many handles. */
public final class OpenFiles {
    private final DataPath path;
    private final Map<Long, OpenFile> files = new HashMap<>();

    public OpenFiles(DataPath path) {
        this.path = path;
    }

    /**
     * A new handle on {@code inode}, whose size the master just reported. A file already open here
     * keeps its state; if it has no pending writes it takes the master's size again (close-to-open).
     */
    public synchronized OpenFile open(long inode, long masterSize) {
        OpenFile f = files.get(inode);
        if (f == null) {
            f = new OpenFile(inode, masterSize, path);
            files.put(inode, f);
        } else {
            f.refresh(masterSize);
        }
        f.refs++;
        return f;
    }

    /** The open file of {@code inode}, or null. */
    public synchronized OpenFile get(long inode) {
        return files.get(inode);
    }

    /**
     * A handle is gone; the last one closes the file (a final flush of anything still pending). Its
     * {@link io.cairn.common.client.FileChunks} goes with it, and with that the list of chunks uploaded
     * since the last fsync: an fsync after the next open syncs only what that open uploads. Keeping an
     * owner here while it has unsynced chunks, and handing it to the next {@link OpenFile} of the
     * inode, is all a per-inode fsync needs.
     */
    public void release(OpenFile f) {
        synchronized (this) {
            if (--f.refs > 0) {
                return;
            }
            files.remove(f.inode(), f);
        }
        f.close();
    }

    public synchronized int size() {
        return files.size();
    }

    /** Flushes every open file (at unmount); errors are logged by each file. */
    public void closeAll() {
        OpenFile[] all;
        synchronized (this) {
            all = files.values().toArray(new OpenFile[0]);
            files.clear();
        }
        for (OpenFile f : all) {
            f.close();
        }
    }
}
