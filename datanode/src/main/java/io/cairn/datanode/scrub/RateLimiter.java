package io.cairn.datanode.scrub;

import java.util.function.LongSupplier;

/**
 * Keeps a reader under a number of bytes per second: each call accounts for a block just read and
 * sleeps until the rate allows it. Time spent idle or reading slowly earns credit for at most the
 * block being accounted, so a reader never bursts above the rate by more than one block, and one
 * that reads slower than the rate never sleeps. Measured with a monotonic nanosecond clock (pacing
 * is not a decision about the time of day, and must not jump with the wall clock).
 */
final class RateLimiter {
    /** Sleeps a number of nanoseconds. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final long bytesPerSecond;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private boolean started;
    /** When the bytes accounted so far are due. */
    private long due;

    RateLimiter(long bytesPerSecond) {
        this(bytesPerSecond, System::nanoTime, n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)));
    }

    RateLimiter(long bytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("the rate must be positive, not " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** Accounts for {@code bytes} read, sleeping as long as the rate requires. */
    void acquire(long bytes) throws InterruptedException {
        if (bytes <= 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        long cost = nanosFor(bytes);
        if (!started || due - (now - cost) < 0) {
            due = now - cost; // the block was read in the time just past: credit for it, no more
            started = true;
        }
        due += cost;
        long wait = due - now;
        if (wait > 0) {
            sleeper.sleep(wait);
        }
    }

    private long nanosFor(long bytes) {
        if (bytes > Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE / 4; // not reached: reads come in small blocks
        }
        return Math.max(1, bytes * 1_000_000_000L / bytesPerSecond);
    }
}
