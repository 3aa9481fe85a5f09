package io.cairn.testing;

/**
 * How much work a test does: its CI size by default, its longer size under {@code bin/test --long}
 * (which sets the system property {@code cairn.long=true}). A test that asks prints both in its
 * output so a run says which it was.
 */
public final class Budget {
    private Budget() {
    }

    /** True under {@code bin/test --long}. */
    public static boolean isLong() {
        return Boolean.getBoolean("cairn.long");
    }

    /** {@code ci} normally, {@code longer} under {@code bin/test --long}. */
    public static int of(int ci, int longer) {
        return isLong() ? longer : ci;
    }

    public static long of(long ci, long longer) {
        return isLong() ? longer : ci;
    }
}
