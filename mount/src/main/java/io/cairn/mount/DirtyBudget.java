package io.cairn.mount;

import java.util.concurrent.Semaphore;

/**
 * Bounds memory for the whole mount: how many chunk buffers may hold unflushed writes, and how many
 * chunk uploads may run at once.
 */
final class DirtyBudget {
    private final int maxBuffers;
    private int buffers;
    final Semaphore uploads;

    DirtyBudget(int maxBuffers, int maxUploads) {
        this.maxBuffers = maxBuffers;
        this.uploads = new Semaphore(maxUploads);
    }

    synchronized boolean tryTake() {
        if (buffers >= maxBuffers) {
            return false;
        }
        buffers++;
        return true;
    }

    synchronized void take() {
        buffers++;
    }

    synchronized void give(int n) {
        buffers -= n;
    }

    synchronized int inUse() {
        return buffers;
    }
}
