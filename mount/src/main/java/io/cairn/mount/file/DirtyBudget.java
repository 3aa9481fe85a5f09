package io.cairn.mount.file;

import java.io.InterruptedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The mount-wide cap on chunk buffers that are written but not yet safely uploaded. A writer needs
 * a permit for each new buffer; when none is left it asks the least recently written buffer of any
 * file to start uploading (so partly written chunks of idle files cannot hold memory hostage) and
 * waits for an upload to finish and give its permit back.
 */
public final class DirtyBudget {
    /** A file whose dirty buffer can be told to start uploading. */
    public interface Evictable {
        void evict(long index);
    }

    private record Key(Evictable file, long index) {
    }

    private final int total;
    private final Semaphore permits;
    /** Dirty buffers not yet uploading, least recently written first. Guarded by itself. */
    private final LinkedHashMap<Key, Boolean> lru = new LinkedHashMap<>(16, 0.75f, true);

    public DirtyBudget(int total) {
        this.total = total;
        this.permits = new Semaphore(total);
    }

    public boolean tryAcquire() {
        return permits.tryAcquire();
    }

    /** Takes one permit, pushing other buffers to upload while none is free. Call with no file lock held. */
    public void acquire() throws InterruptedIOException {
        try {
            while (!permits.tryAcquire()) {
                Key victim = eldest();
                if (victim != null) {
                    victim.file().evict(victim.index());
                }
                if (permits.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for write buffer space");
        }
    }

    public void release() {
        permits.release();
    }

    public int available() {
        return permits.availablePermits();
    }

    public int total() {
        return total;
    }

    /** A buffer became dirty (or was written again). */
    public void touch(Evictable file, long index) {
        synchronized (lru) {
            lru.put(new Key(file, index), Boolean.TRUE);
        }
    }

    /** A buffer started uploading or was dropped: it can no longer be evicted. */
    public void forget(Evictable file, long index) {
        synchronized (lru) {
            lru.remove(new Key(file, index));
        }
    }

    private Key eldest() {
        synchronized (lru) {
            Iterator<Key> it = lru.keySet().iterator();
            return it.hasNext() ? it.next() : null;
        }
    }
}
