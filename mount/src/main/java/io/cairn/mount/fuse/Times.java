package io.cairn.mount.fuse;

import io.cairn.common.wire.Requests;

/** utimens times: {@code UTIME_NOW} and {@code UTIME_OMIT} in tv_nsec, 64-bit seconds. */
public final class Times {
    /** tv_nsec meaning "the current time" (Linux). */
    public static final long UTIME_NOW = (1L << 30) - 1;
    /** tv_nsec meaning "leave this time as it is" (Linux). */
    public static final long UTIME_OMIT = (1L << 30) - 2;

    private Times() {
    }

    /**
     * A timespec as a SetAttr time: null to leave it alone, {@link Requests.SetAttr#NOW} for the
     * master's clock, else nanoseconds since the epoch (dates from 1677 to 2262).
     *
     * @throws ArithmeticException when the time does not fit in 64-bit nanoseconds
     */
    public static Long toSetAttr(long sec, long nsec) {
        if (nsec == UTIME_OMIT) {
            return null;
        }
        if (nsec == UTIME_NOW) {
            return Requests.SetAttr.NOW;
        }
        if (nsec < 0 || nsec > 999_999_999L) {
            throw new IllegalArgumentException("tv_nsec out of range: " + nsec);
        }
        long ns = Math.addExact(Math.multiplyExact(sec, 1_000_000_000L), nsec);
        if (ns == Requests.SetAttr.NOW) {
            throw new ArithmeticException("time out of range");
        }
        return ns;
    }
}
