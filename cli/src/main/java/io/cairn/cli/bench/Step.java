package io.cairn.cli.bench;

/**
 * One workload, run on every directory in turn.
 *
 * @param name   its short name (JSON, messages)
 * @param title  what the table says it is
 * @param unit   the unit of its figure
 * @param better whether a higher or a lower figure is better (a rate or a time)
 * @param cold   whether the kernel's caches are dropped before it is measured
 * @param needs  the step whose result on the same directory it works on, or null
 * @param tool   the program it runs (tar, git, rsync, cp), or null
 * @param work   the workload: returns the figure in {@code unit}
 */
record Step(String name, String title, String unit, Better better, boolean cold, String needs, String tool,
            Workload work) {

    enum Better {
        HIGHER, LOWER;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A workload on one directory; its figure is measured around its timed part only. */
    @FunctionalInterface
    interface Workload {
        double run(StepRun run) throws Exception;
    }
}
