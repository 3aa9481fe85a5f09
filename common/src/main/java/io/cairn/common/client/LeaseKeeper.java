package io.cairn.common.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the leases of a client's writers alive, on one daemon thread per {@link Cluster} (stopped
 * by its {@code close()}): every {@link #TICK} it lets each file being written ({@link FileChunks})
 * that holds allocated chunks renew their leases and commit what it has uploaded, when that is due
 * (see {@link FileChunks#keepAlive}). A file is watched from its first allocation while it holds
 * some, and no longer once its owner lets go of it (the watch does not keep it reachable).
 */
public final class LeaseKeeper implements AutoCloseable {
    /** How often the files are looked at; each decides whether its renewal is due. */
    static final Duration TICK = Duration.ofMillis(250);
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    /** Guarded by this. */
    private final Set<FileChunks> files = Collections.newSetFromMap(new WeakHashMap<>());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cairn-leases");
        t.setDaemon(true);
        return t;
    });

    LeaseKeeper() {
        timer.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized void watch(FileChunks f) {
        files.add(f);
    }

    synchronized void forget(FileChunks f) {
        files.remove(f);
    }

    /** How many files are watched now. */
    public synchronized int watched() {
        return files.size();
    }

    private void tick() {
        List<FileChunks> now;
        synchronized (this) {
            now = new ArrayList<>(files);
        }
        for (FileChunks f : now) {
            try {
                f.keepAlive(System.nanoTime());
            } catch (RuntimeException e) {
                LOG.warn("keeping the leases of {} alive failed", f, e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (this) {
            files.clear();
        }
    }
}
