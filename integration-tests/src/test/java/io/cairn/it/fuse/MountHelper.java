package io.cairn.it.fuse;

import java.nio.file.Path;
import java.util.Map;

/** Mounting for tests outside this package. */
public final class MountHelper {
    private MountHelper() {
    }

    /** Mounts with bin/cairn; closing the result unmounts and checks the mount is gone. */
    public static AutoCloseable mount(Path logs, Path dir, String masterUrl, Map<String, String> env) throws Exception {
        return Mounted.mount(logs, dir, masterUrl, env);
    }
}
