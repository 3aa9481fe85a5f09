package io.cairn.cli.bench;

/**
 * How one step went on one directory.
 *
 * @param status  ok, fail (an error, or the step timeout), or skipped (a program is missing, or a
 *                step it needs did not finish)
 * @param value   the figure, in the step's unit (null unless ok)
 * @param seconds the step's wall time on this directory, setup and cleanup included
 * @param note    what the table should say about it (the I/O engine used, what rsync sent again), or null
 * @param caches  what the kernel's caches went through first (cold steps only), or null
 * @param reason  why it failed or was skipped, or null
 */
record Outcome(Status status, Double value, double seconds, String note, String caches, String reason) {

    enum Status {
        OK, FAIL, SKIPPED;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static Outcome ok(double value, double seconds, String note, String caches) {
        return new Outcome(Status.OK, value, seconds, note, caches, null);
    }

    static Outcome failed(String reason, double seconds, String caches) {
        return new Outcome(Status.FAIL, null, seconds, null, caches, reason);
    }

    static Outcome skipped(String reason) {
        return new Outcome(Status.SKIPPED, null, 0, null, null, reason);
    }

    boolean ok() {
        return status == Status.OK;
    }
}
