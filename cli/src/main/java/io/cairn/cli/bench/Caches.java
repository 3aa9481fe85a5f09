package io.cairn.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's caches before a cold step: {@code sync; echo 3 > /proc/sys/vm/drop_caches} (clean
 * page cache, dentries and inodes), which only root may do. Caches inside a file system's own
 * processes (a FUSE daemon's memory, a server's) are not the kernel's and stay.
 */
final class Caches {
    static final Path DROP = Path.of("/proc/sys/vm/drop_caches");
    static final String DROPPED = "dropped (page cache, dentries, inodes)";

    private Caches() {
    }

    /** Drops them if it can; says what happened, for the output. */
    static String drop() {
        if (!Files.isWritable(DROP)) {
            return "not dropped (" + DROP + " is not writable: run as root to drop them)";
        }
        try {
            Process sync = new ProcessBuilder(List.of("sync")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!sync.waitFor(120, TimeUnit.SECONDS)) {
                sync.destroyForcibly();
                return "not dropped (sync did not finish within 120 s)";
            }
            Files.writeString(DROP, "3\n");
            return DROPPED;
        } catch (IOException e) {
            return "not dropped (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not dropped (interrupted)";
        }
    }
}
