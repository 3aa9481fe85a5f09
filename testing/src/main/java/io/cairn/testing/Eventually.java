package io.cairn.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Waits for a condition that another thread or process makes true, polling it until a deadline.
 * It never waits forever and never passes by timing out: when the deadline comes it fails with an
 * {@link AssertionError} that says what was awaited, for how long, and the last value seen (or the
 * last exception a probe threw, as the cause).
 *
 * <pre>{@code
 * Eventually.await("datanode 2 is dead", () -> state(2).equals("dead"));
 * Result r = Eventually.await("the write works again", Duration.ofSeconds(60), Duration.ofMillis(200),
 *         () -> mount.sh("echo after > g"), x -> x.exit() == 0);
 * }</pre>
 */
public final class Eventually {
    /** The deadline when none is given. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The time between polls when none is given. */
    public static final Duration POLL = Duration.ofMillis(10);

    private Eventually() {
    }

    /** Something to look at; it may throw, which counts as "not yet". */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    /** Waits up to {@link #TIMEOUT} until {@code condition} holds. */
    public static void await(String what, BooleanSupplier condition) {
        await(what, TIMEOUT, condition);
    }

    /** Waits up to {@code timeout} until {@code condition} holds. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(what, timeout, POLL, condition::getAsBoolean, b -> b);
    }

    /** Waits up to {@code timeout} until {@code done} accepts what {@code probe} returns, and returns that. */
    public static <T> T await(String what, Duration timeout, Probe<T> probe, Predicate<? super T> done) {
        return await(what, timeout, POLL, probe, done);
    }

    /**
     * Polls {@code probe} every {@code poll} until {@code done} accepts its value, which is returned;
     * fails once {@code timeout} has passed without that.
     */
    public static <T> T await(String what, Duration timeout, Duration poll, Probe<T> probe, Predicate<? super T> done) {
        Objects.requireNonNull(what, "what");
        if (timeout.isNegative() || poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("timeout must not be negative and poll must be positive");
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        boolean seen = false;
        T last = null;
        Exception thrown = null;
        while (true) {
            try {
                T value = probe.get();
                seen = true;
                last = value;
                thrown = null;
                if (done.test(value)) {
                    return value;
                }
            } catch (Exception e) {
                thrown = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                String lastSeen = thrown != null ? "the probe threw " + thrown
                        : !seen ? "nothing was seen"
                        : Boolean.FALSE.equals(last) ? "the condition was still false"
                        : "the last value seen was " + describe(last);
                AssertionError failure = new AssertionError("timed out after "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms waiting until " + what
                        + "; " + lastSeen);
                if (thrown != null) {
                    failure.initCause(thrown);
                }
                throw failure;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }

    private static String describe(Object value) {
        String s = String.valueOf(value);
        return s.length() > 2000 ? s.substring(0, 2000) + "... (" + s.length() + " characters)" : s;
    }
}
