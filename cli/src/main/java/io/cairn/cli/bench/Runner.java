package io.cairn.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs every step on every directory, step by step (so that a noisy moment of the machine falls
 * on all of them alike), starting each step with the next directory in turn (so that none always
 * goes first). Each step on each directory runs on its own thread, bounded by the step timeout:
 * past it the step is marked FAIL, its commands are killed, and the run goes on.
 */
final class Runner {
    /** How long a step past its timeout gets to wind down before the run goes on without it. */
    static final long WIND_DOWN_SECONDS = 10;

    private final Settings settings;
    private final Workspace work;
    private final ProgressLine progress;

    Runner(Settings settings, Workspace work, ProgressLine progress) {
        this.settings = settings;
        this.work = work;
        this.progress = progress;
    }

    /** Every step's outcome on every target, by step name, then by target label. */
    Map<String, Map<String, Outcome>> run(List<Step> steps, List<Target> targets) {
        Map<String, Map<String, Outcome>> all = new LinkedHashMap<>();
        for (int k = 0; k < steps.size(); k++) {
            Step step = steps.get(k);
            Map<String, Outcome> byTarget = new LinkedHashMap<>();
            for (Target t : targets) {
                byTarget.put(t.label(), null); // the table's order, whatever the running order
            }
            for (Target t : rotated(targets, k)) {
                progress.show("[" + (k + 1) + "/" + steps.size() + "] " + step.name() + " on " + t.label());
                byTarget.put(t.label(), runOrSkip(step, t, all));
            }
            all.put(step.name(), byTarget);
        }
        progress.clear();
        return all;
    }

    /** {@code targets} starting at index {@code k} (mod size). */
    static <T> List<T> rotated(List<T> targets, int k) {
        List<T> out = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            out.add(targets.get((k + i) % targets.size()));
        }
        return out;
    }

    private Outcome runOrSkip(Step step, Target t, Map<String, Map<String, Outcome>> done) {
        if (step.tool() != null && !Commands.has(step.tool())) {
            return Outcome.skipped(step.tool() + " is not installed");
        }
        if (step.needs() != null) {
            Outcome before = done.getOrDefault(step.needs(), Map.of()).get(t.label());
            if (before == null || !before.ok()) {
                return Outcome.skipped("needs " + step.needs() + ", which did not finish here");
            }
        }
        return runOne(step, t);
    }

    private Outcome runOne(Step step, Target t) {
        long timeout = settings.stepTimeout().toNanos();
        long t0 = System.nanoTime();
        StepRun run = new StepRun(t, settings, work, t0 + timeout);
        CompletableFuture<Double> result = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                result.complete(step.work().run(run));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "cairn-bench-" + step.name());
        worker.setDaemon(true); // one stuck in a hung file system must not keep the process alive
        worker.start();
        try {
            double value = result.get(timeout, TimeUnit.NANOSECONDS);
            double seconds = StepRun.secondsSince(t0);
            if (System.nanoTime() - t0 > timeout) {
                return Outcome.failed(timedOut(), seconds, run.caches());
            }
            if (!(value > 0) || Double.isInfinite(value)) {
                return Outcome.failed("measured nothing (" + value + ")", seconds, run.caches());
            }
            return Outcome.ok(value, seconds, run.note(), run.caches());
        } catch (TimeoutException e) {
            run.cancel();
            worker.interrupt();
            boolean stopped = windDown(result);
            return Outcome.failed(timedOut() + (stopped ? "" : " (and was still running " + WIND_DOWN_SECONDS
                    + " s later; left behind)"), StepRun.secondsSince(t0), run.caches());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StepRun.Stopped) {
                return Outcome.failed(timedOut(), StepRun.secondsSince(t0), run.caches());
            }
            return Outcome.failed(describe(cause), StepRun.secondsSince(t0), run.caches());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.cancel();
            worker.interrupt();
            return Outcome.failed("interrupted", StepRun.secondsSince(t0), run.caches());
        }
    }

    private String timedOut() {
        return "did not finish within the step timeout (" + io.cairn.common.units.Units.writeDuration(settings.stepTimeout()) + ")";
    }

    private static boolean windDown(CompletableFuture<Double> result) {
        try {
            result.get(WIND_DOWN_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One line for an error: its class when the message alone would not say what it was. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fe) { // NoSuchFileException: "no such file"
            String reason = fe.getReason() != null ? fe.getReason() : e.getClass().getSimpleName().replace("Exception", "")
                    .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
            return fe.getFile() + (fe.getOtherFile() != null ? " -> " + fe.getOtherFile() : "") + ": " + reason;
        }
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return e instanceof java.io.IOException && !(e.getClass() == java.io.IOException.class)
                ? e.getClass().getSimpleName() + ": " + m : m;
    }
}
