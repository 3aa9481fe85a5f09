package io.cairn.it.mount;

import io.cairn.mount.MountMain;
import io.cairn.mount.MountSettings;
import sun.misc.Signal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code cairn mount} does, as a child JVM for the tests: SIGINT/SIGTERM ask for a clean
 * unmount, and the exit status is {@link MountMain#run}'s.
 * Arguments: MOUNTPOINT MASTER_URL ATTR_TIMEOUT_MS TIMEOUT_MS [-o options...].
 */
public final class MountProcess {
    private MountProcess() {
    }

    public static void main(String[] args) {
        for (String sig : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(sig), s -> MountMain.requestStop());
        }
        List<String> extra = Arrays.asList(args).subList(4, args.length);
        int code = MountMain.run(new MountSettings(Path.of(args[0]), args[1], extra,
                Duration.ofMillis(Long.parseLong(args[2])), Duration.ofMillis(Long.parseLong(args[3])), false));
        System.exit(code);
    }
}
