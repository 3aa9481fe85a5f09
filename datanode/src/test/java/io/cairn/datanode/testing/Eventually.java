package io.cairn.datanode.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for something another thread makes true, failing the test if it never happens. */
public final class Eventually {
    private Eventually() {
    }

    public static void await(String what, BooleanSupplier condition) {
        await(what, Duration.ofSeconds(10), condition);
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }
}
