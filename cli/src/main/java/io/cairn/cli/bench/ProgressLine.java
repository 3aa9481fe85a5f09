package io.cairn.cli.bench;

import java.io.PrintStream;

/** One line on stderr that says which step runs where, rewritten in place; only on a terminal. */
final class ProgressLine {
    private final PrintStream err;
    private final boolean on;
    private int shown;

    ProgressLine(PrintStream err, boolean on) {
        this.err = err;
        this.on = on;
    }

    /** On when stderr is a terminal (and not under CI). */
    static ProgressLine forTerminal() {
        return new ProgressLine(System.err, System.console() != null && System.getenv("CI") == null);
    }

    synchronized void show(String text) {
        if (!on) {
            return;
        }
        String line = "cairn bench: " + text;
        err.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
        err.flush();
        shown = line.length();
    }

    synchronized void clear() {
        if (on && shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
    }
}
