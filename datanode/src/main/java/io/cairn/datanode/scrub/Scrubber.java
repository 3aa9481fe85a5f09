package io.cairn.datanode.scrub;

import io.cairn.common.checksum.Crc32c;
import io.cairn.datanode.store.Check;
import io.cairn.datanode.store.ChunkStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Re-reads every stored chunk slowly, on its own daemon thread, and checks it against the size and
 * CRC32C recorded in its sidecar when it was stored (see {@link ChunkStore#verify}). A chunk that
 * fails (flipped bits, truncated, replaced by another file, unreadable) is reported to the master,
 * which has a good copy made elsewhere and then orders this one deleted: the scrubber itself never
 * deletes anything. Chunks without a recorded checksum (stored by an older version) are skipped.
 * A chunk that a read found bad ({@link #found}, from any thread) is counted, logged and reported
 * the same way, by the same thread; with scrubbing off that thread is started by the first such
 * chunk, and only reports.
 * <p>
 * Reads stay under {@code bytesPerSecond}. A pass starts {@code interval} after the previous one
 * ended, the first {@code firstDelay} after {@link #start}; both are measured with the clock given.
 * Bad chunks are reported in batches: as soon as {@value #REPORT_SOON} are waiting, or
 * {@link #REPORT_WITHIN} after the first of them was found, or at the end of the pass; a report the
 * master could not take is tried again {@link #RETRY_AFTER} later.
 */
public final class Scrubber implements AutoCloseable, BadChunks {
    /** Where bad chunks go: the master. */
    @FunctionalInterface
    public interface Reporter {
        /**
         * Reports bad replicas on this node; false when there is no master to tell yet (not
         * registered, or a master of another cluster): the ids are kept and tried again later.
         */
        boolean reportBad(List<String> chunkIds) throws IOException;
    }

    /** What one pass found. {@code checked} counts chunks read and compared; {@code bad} is part of it. */
    public record Pass(long checked, long bytes, long bad, long unknown) {
    }

    /** The longest wait before the first pass (shorter when the interval is). */
    public static final Duration MAX_FIRST_DELAY = Duration.ofMinutes(1);
    static final int REPORT_BATCH = 1000;
    static final int REPORT_SOON = 100;
    static final Duration REPORT_WITHIN = Duration.ofSeconds(5);
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);
    /** Bad ids kept while the master cannot be told; more are found again on the next pass. */
    static final int MAX_PENDING = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(Scrubber.class);
    private static final long STEP_MS = 1000;
    /** Bad chunks logged one by one in a pass; the pass's summary counts the rest. */
    private static final int LOGGED_PER_PASS = 10;

    private final ChunkStore store;
    private final Reporter reporter;
    private final long bytesPerSecond;
    private final Duration interval;
    private final Duration firstDelay;
    private final Clock clock;
    private final RateLimiter limiter;
    private final Thread thread;
    private volatile boolean running = true;
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong badFound = new AtomicLong();
    private final AtomicLong reported = new AtomicLong();
    private final AtomicLong chunksChecked = new AtomicLong();
    private final AtomicLong bytesChecked = new AtomicLong();
    /** Chunks the pass under way has checked so far (that of the last pass once it ends). */
    private volatile long passChecked;
    /** Bad ids not yet taken by the master; only the scrubbing thread touches these. */
    private final Set<String> pending = new LinkedHashSet<>();
    /** Bad chunks found by reads (any thread), with what is wrong, until the scrubbing thread takes them. */
    private final Map<String, String> foundByReads = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private long oldestPendingMs;
    private long retryAtMs = Long.MIN_VALUE;
    private boolean failing;
    private long passBytes;

    /**
     * @param bytesPerSecond most bytes read per second; 0: {@link #start} does nothing
     * @param interval       time from the end of a pass to the start of the next
     * @param firstDelay     time from {@link #start} to the first pass
     */
    public Scrubber(ChunkStore store, Reporter reporter, long bytesPerSecond, Duration interval, Duration firstDelay,
                    Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.firstDelay = Objects.requireNonNull(firstDelay, "firstDelay");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("scrub rate must not be negative, not " + bytesPerSecond);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("scrub interval must be positive, not " + interval);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.limiter = bytesPerSecond > 0 ? new RateLimiter(bytesPerSecond) : null;
        this.thread = new Thread(this::run, "cairn-datanode-scrubber");
        this.thread.setDaemon(true);
    }

    /** The delay before the first pass for a given interval: the interval, at most {@link #MAX_FIRST_DELAY}. */
    public static Duration firstDelayFor(Duration interval) {
        return interval.compareTo(MAX_FIRST_DELAY) < 0 ? interval : MAX_FIRST_DELAY;
    }

    /** Starts the scrubbing thread, unless the rate is 0 (scrubbing off). */
    public void start() {
        if (bytesPerSecond == 0) {
            LOG.info("scrubber off");
            return;
        }
        startThread();
    }

    private void startThread() {
        if (started.compareAndSet(false, true)) {
            thread.start();
        }
    }

    /**
     * Takes chunk {@code chunkId}, found bad by a read, to be reported to the master as a pass
     * reports what it finds (soon, by the scrubbing thread; with scrubbing off, that thread is
     * started now and only reports). Does not wait; at most {@link #MAX_PENDING} wait at a time.
     */
    @Override
    public void found(String chunkId, String detail) {
        if (foundByReads.size() < MAX_PENDING) {
            foundByReads.putIfAbsent(chunkId, detail);
        }
        if (bytesPerSecond == 0 && running) {
            startThread();
        }
    }

    /** Takes the bad chunks reads found into the ones waiting to be reported, as a pass would. */
    private void takeFoundByReads() {
        for (String id : List.copyOf(foundByReads.keySet())) {
            String detail = foundByReads.remove(id);
            badFound.incrementAndGet();
            LOG.warn("chunk {} is bad (found by a read): {}; reporting it to the master", id, detail);
            addPending(id);
        }
    }

    /** Passes completed since start. */
    public long passes() {
        return passes.get();
    }

    /** Bad chunks found since start (a chunk still bad on the next pass counts again). */
    public long badFound() {
        return badFound.get();
    }

    /** Chunks checked since start, by every pass. */
    public long chunksChecked() {
        return chunksChecked.get();
    }

    /** Bytes read to check chunks since start. */
    public long bytesChecked() {
        return bytesChecked.get();
    }

    /** Chunks the pass under way has checked so far, or the last pass once it ended. */
    public long passChecked() {
        return passChecked;
    }

    /** Bad chunk ids the master has taken since start. */
    public long reported() {
        return reported.get();
    }

    private void run() {
        // With scrubbing off this thread runs only to report what reads found bad: no pass ever starts.
        long next = bytesPerSecond == 0 ? Long.MAX_VALUE : clock.millis() + firstDelay.toMillis();
        try {
            while (running) {
                long wait = next - clock.millis();
                if (wait > 0) {
                    flushIfDue(true); // reports that failed earlier are retried between passes
                    Thread.sleep(Math.min(wait, STEP_MS));
                    continue;
                }
                try {
                    pass();
                } catch (IOException | UncheckedIOException e) {
                    if (!running) {
                        break;
                    }
                    LOG.warn("scrub pass failed ({}); the next starts after the interval", e.toString());
                } catch (RuntimeException e) {
                    LOG.error("scrub pass failed; the next starts after the interval", e);
                }
                next = clock.millis() + interval.toMillis();
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /**
     * One pass over every chunk at the configured rate (as fast as it can when the rate is 0), then
     * the report of what it found bad. Called by one thread at a time.
     */
    Pass pass() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long checked = 0;
        long bad = 0;
        long unknown = 0;
        passBytes = 0;
        passChecked = 0;
        Crc32c.Pacer pacer = bytes -> {
            passBytes += bytes;
            bytesChecked.addAndGet(bytes);
            if (limiter != null) {
                limiter.acquire(bytes);
            }
        };
        try (Stream<String> ids = store.ids()) {
            Iterator<String> it = ids.iterator();
            while (running && it.hasNext()) {
                String id = it.next();
                Check c = store.verify(id, pacer);
                if (c.result() == Check.Result.UNREADABLE) {
                    Thread.sleep(100); // once more, in case the failure was passing
                    c = store.verify(id, pacer);
                }
                if (c.result() != Check.Result.UNKNOWN && c.result() != Check.Result.GONE) {
                    chunksChecked.incrementAndGet();
                    passChecked = checked + 1;
                }
                switch (c.result()) {
                    case GOOD -> checked++;
                    case CORRUPT, UNREADABLE -> {
                        checked++;
                        bad++;
                        badFound.incrementAndGet();
                        if (bad <= LOGGED_PER_PASS) {
                            LOG.warn("chunk {} is bad: {}; reporting it to the master", id, c.detail());
                        } else {
                            LOG.debug("chunk {} is bad: {}; reporting it to the master", id, c.detail());
                        }
                        addPending(id);
                    }
                    case UNKNOWN -> unknown++;
                    case GONE -> {
                    }
                }
                flushIfDue(false);
            }
        }
        flushIfDue(true);
        if (running) {
            passes.incrementAndGet(); // a pass cut short by close() does not count
        }
        Pass p = new Pass(checked, passBytes, bad, unknown);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (bad > 0) {
            LOG.warn("scrub pass: {} chunks ({} bytes) checked in {} ms, {} bad, {} without a recorded checksum",
                    checked, passBytes, ms, bad, unknown);
        } else if (ms >= 10_000) {
            LOG.info("scrub pass: {} chunks ({} bytes) checked in {} ms, none bad, {} without a recorded checksum",
                    checked, passBytes, ms, unknown);
        } else {
            LOG.debug("scrub pass: {} chunks ({} bytes) checked in {} ms, {} without a recorded checksum",
                    checked, passBytes, ms, unknown);
        }
        return p;
    }

    private void addPending(String id) {
        if (pending.isEmpty()) {
            oldestPendingMs = clock.millis();
        }
        if (pending.size() < MAX_PENDING) {
            pending.add(id);
        }
    }

    /** Sends the bad ids waiting, in batches, when they are due (or {@code force}) and no retry is pending. */
    private void flushIfDue(boolean force) {
        takeFoundByReads();
        if (pending.isEmpty()) {
            return;
        }
        long now = clock.millis();
        if (now < retryAtMs) {
            return;
        }
        if (!force && pending.size() < REPORT_SOON && now - oldestPendingMs < REPORT_WITHIN.toMillis()) {
            return;
        }
        while (!pending.isEmpty() && running) {
            List<String> batch = pending.stream().limit(REPORT_BATCH).toList();
            boolean sent;
            try {
                sent = reporter.reportBad(batch);
                if (!sent) {
                    LOG.debug("{} bad chunk(s) wait until the datanode is registered", pending.size());
                }
            } catch (IOException | RuntimeException e) {
                sent = false;
                if (!failing && running) {
                    LOG.warn("could not report {} bad chunk(s) to the master ({}); trying again every {} s",
                            pending.size(), e.toString(), RETRY_AFTER.toSeconds());
                }
                failing = true;
            }
            if (!sent) {
                retryAtMs = now + RETRY_AFTER.toMillis();
                return;
            }
            failing = false;
            batch.forEach(pending::remove);
            reported.addAndGet(batch.size());
            LOG.info("reported {} bad chunk(s) to the master", batch.size());
        }
        oldestPendingMs = now;
    }

    /** Stops the thread (a read or a report under way is interrupted). Nothing is deleted. */
    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
