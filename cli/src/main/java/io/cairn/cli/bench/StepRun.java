package io.cairn.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One step on one directory, as its workload sees it: where to work, the deadline it must keep
 * (checked between operations; commands it runs are killed at it), the kernel's caches to drop
 * before a cold measurement, and a note for the table.
 */
final class StepRun {
    /** Thrown when the deadline has passed or the run was called off. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped(String message) {
            super(message);
        }
    }

    final Target target;
    final Settings settings;
    final Workspace work;
    private final long deadline;
    private volatile boolean cancelled;
    private volatile Commands.Running running;
    private String note;
    private String caches;

    StepRun(Target target, Settings settings, Workspace work, long deadlineNanos) {
        this.target = target;
        this.settings = settings;
        this.work = work;
        this.deadline = deadlineNanos;
    }

    /** A path inside this directory's scratch directory. */
    Path path(String first, String... more) {
        return target.scratch().resolve(Path.of(first, more));
    }

    /** Throws {@link Stopped} once the deadline has passed or the run was called off. */
    void check() {
        if (cancelled || Thread.currentThread().isInterrupted()) {
            throw new Stopped("called off");
        }
        if (System.nanoTime() - deadline > 0) {
            throw new Stopped("past its deadline");
        }
    }

    /** Time left before the deadline (never negative). */
    Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** Runs a command in {@code dir} to its end, within the deadline; its standard output, or an error with its stderr. */
    String exec(Path dir, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        check();
        Commands.Running r = Commands.start(dir, env, command, work.logs());
        running = r;
        try {
            if (cancelled) {
                r.kill();
            }
            return r.await(remaining());
        } finally {
            running = null;
        }
    }

    /** Before a cold measurement: drops the kernel's caches (when allowed), and says what was done. */
    void dropCaches() {
        check();
        caches = settings.dropCaches() ? Caches.drop() : "not dropped (--no-drop-caches)";
    }

    /** Calls the run off: the workload stops at its next check, a command it runs is killed. */
    void cancel() {
        cancelled = true;
        Commands.Running r = running;
        if (r != null) {
            r.kill();
        }
    }

    void note(String text) {
        note = text;
    }

    String note() {
        return note;
    }

    /** What the kernel's caches went through before this measurement, or null for a warm step. */
    String caches() {
        return caches;
    }

    /** The seconds since {@code startNanos}, at least a nanosecond (a figure is never infinite). */
    static double secondsSince(long startNanos) {
        return Math.max(1, System.nanoTime() - startNanos) / 1e9;
    }
}
