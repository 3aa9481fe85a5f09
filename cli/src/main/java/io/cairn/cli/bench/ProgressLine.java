package io.cairn.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line on stderr that says which step runs where, rewritten in place; only on a terminal. */
final class ProgressLine {
    private final PrintStream err;
    private final boolean on;
    private int shown;

    ProgressLine(PrintStream err, boolean on) {
        this.err = err;
        this.on = on;
    }

    /** On when stderr is a terminal (and not under CI), even with stdout going to a file. */
    static ProgressLine forTerminal() {
        return new ProgressLine(System.err, stderrIsTerminal() && System.getenv("CI") == null);
    }

    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
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
