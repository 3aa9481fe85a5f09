package io.cairn.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.function.LongConsumer;

/** A progress bar on stderr for long transfers, shown only on a terminal. */
final class Progress implements AutoCloseable {
    private static final long SHOW_FROM = 8L << 20;
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress start(String task, long total, boolean quiet) {
        boolean terminal = System.console() != null && System.getenv("CI") == null;
        if (quiet || !terminal || total < SHOW_FROM) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" MiB", 1L << 20).showSpeed()
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build());
    }

    LongConsumer listener() {
        return bar == null ? n -> { } : bar::stepBy;
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
