package io.cairn.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the machine was doing meanwhile, so that a reader can judge the figures of a noisy run. */
final class Host {
    private Host() {
    }

    /** The 1, 5 and 15 minute load averages ("0.52 0.48 0.40"), or "unknown". */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
