package io.cairn.cli.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Removes what a run left in a directory under test, within a bound (a hung file system must not hang the run). */
final class Cleanup {
    /** The least time removing is given, however short the step timeout. */
    static final Duration AT_LEAST = Duration.ofMinutes(10);

    private Cleanup() {
    }

    /** Removes {@code scratch}, taking at most the step timeout or {@link #AT_LEAST}, whichever is longer. */
    static void remove(Path scratch, Workspace work, Duration stepTimeout) {
        if (!Files.exists(scratch)) {
            return;
        }
        try {
            Commands.Running rm = Commands.start(Path.of("/"), Map.of(), List.of("rm", "-rf", scratch.toString()), work.logs());
            rm.await(stepTimeout.compareTo(AT_LEAST) > 0 ? stepTimeout : AT_LEAST);
        } catch (Exception e) {
            System.err.println("cairn bench: could not remove " + scratch + ": " + Runner.describe(e));
        }
    }
}
