package io.cairn.mount.file;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The mount-wide cap on chunk buffers that are written but not yet safely uploaded. A writer needs
 * a permit for each new buffer; when none is left it asks the least recently written buffers of any
 * file (a few at once) to start uploading (so partly written chunks of idle files cannot hold memory hostage) and
 * waits for an upload to finish and give its permit back; uploads are bounded by the mount's
 * timeout, and so is this wait.
 */
public final class DirtyBudget {
    /** A file whose dirty buffer can be told to start uploading. */
    public interface Evictable {
        void evict(long index);
    }

    private record Key(Evictable file, long index) {
    }

    /** How many buffers a writer short of a permit starts uploading at once. */
    static final int EVICT_BURST = 8;
    private final int total;
    private final long maxWaitNanos;
    private final Semaphore permits;
    /** Dirty buffers not yet uploading, least recently written first. Guarded by itself. */
    private final LinkedHashMap<Key, Boolean> lru = new LinkedHashMap<>(16, 0.75f, true);

    public DirtyBudget(int total, Duration maxWait) {
        this.total = total;
        this.maxWaitNanos = maxWait.toNanos();
        this.permits = new Semaphore(total);
    }

    public boolean tryAcquire() {
        return permits.tryAcquire();
    }

    /** Takes one permit, pushing other buffers to upload while none is free. Call with no file lock held. */
    public void acquire() throws IOException {
        long deadline = System.nanoTime() + maxWaitNanos;
        try {
            while (!permits.tryAcquire()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new CairnException(ErrorCode.EIO, "no write buffer came free within "
                            + Duration.ofNanos(maxWaitNanos).toSeconds() + "s: uploads are not finishing");
                }
                // the least recently written buffers start uploading, a few at once so that the
                // uploads run side by side and the next writers find permits free
                for (int i = 0; i < Math.max(1, Math.min(EVICT_BURST, total / 2)); i++) {
                    Key victim = eldest();
                    if (victim == null) {
                        break;
                    }
                    victim.file().evict(victim.index()); // which forgets it: the next one is another
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
