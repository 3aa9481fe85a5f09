package io.cairn.mount.file;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** How many chunk uploads are running now and how many have failed, mount-wide (what its metrics show). */
public final class UploadCounts {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong failed = new AtomicLong();

    void started() {
        inFlight.incrementAndGet();
    }

    void ended(boolean ok) {
        inFlight.decrementAndGet();
        if (!ok) {
            failed.incrementAndGet();
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long failed() {
        return failed.get();
    }
}
