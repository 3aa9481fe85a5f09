package io.cairn.mount;

import jnr.ffi.LibraryLoader;
import ru.serce.jnrfuse.LibFuse;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What is checked before mounting, each failure one sentence that says what to do: the FUSE
 * device, the libfuse2 library, the fusermount program, the mount point.
 */
final class Preflight {
    private Preflight() {
    }

    /** The first problem that prevents mounting, or null. */
    static String problem(MountSettings s) {
        String p = devFuse(Path.of("/dev/fuse"));
        if (p == null) {
            p = libfuse();
        }
        if (p == null) {
            p = fusermount(fusermountCandidates());
        }
        if (p == null) {
            p = mountPoint(s.mountPoint(), FuseArgs.has(s, "nonempty"), Path.of("/proc/self/mountinfo"));
        }
        return p;
    }

    static String devFuse(Path dev) {
        return Files.exists(dev) ? null
                : dev + " is missing: this machine (or container) cannot mount FUSE file systems"
                + " (load the module with `modprobe fuse`, or start the container with --device /dev/fuse)";
    }

    static String libfuse() {
        for (String name : new String[] {"fuse", "libfuse.so.2"}) { // the names jnr-fuse loads
            try {
                LibraryLoader.create(LibFuse.class).failImmediately().load(name);
                return null;
            } catch (LinkageError | RuntimeException e) {
                // try the next name
            }
        }
        return "libfuse2 is missing: install the Debian package libfuse2 (apt-get install libfuse2)";
    }

    /** libfuse2 runs fusermount from /bin, else from the PATH. */
    static List<Path> fusermountCandidates() {
        List<Path> c = new ArrayList<>(List.of(Path.of("/bin/fusermount"), Path.of("/usr/bin/fusermount")));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    c.add(Path.of(dir, "fusermount"));
                }
            }
        }
        return c;
    }

    static String fusermount(List<Path> candidates) {
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return null;
            }
        }
        return "fusermount is missing: install the Debian package fuse3 (apt-get install fuse3;"
                + " not `fuse`, which conflicts with it)";
    }

    static String mountPoint(Path mp, boolean nonEmptyAllowed, Path mountinfo) {
        Path abs = mp.toAbsolutePath().normalize();
        try {
            if (isMountPoint(abs, mountinfo)) {
                return Files.isDirectory(abs)
                        ? "mount point " + abs + " is already mounted (unmount it first: fusermount -u " + abs + ")"
                        : "mount point " + abs + " is a dead mount left by an earlier run (clear it with:"
                        + " fusermount -u -z " + abs + ")";
            }
        } catch (IOException e) {
            // no mountinfo (not Linux?): the checks below still apply
        }
        if (!Files.exists(abs)) {
            if (Files.notExists(abs)) {
                return "mount point " + abs + " does not exist (create it: mkdir -p " + abs + ")";
            }
            return "mount point " + abs + " cannot be reached (a dead mount from an earlier run? clear it with:"
                    + " fusermount -u -z " + abs + ")";
        }
        if (!Files.isDirectory(abs)) {
            return "mount point " + abs + " is not a directory";
        }
        if (!nonEmptyAllowed) {
            try (DirectoryStream<Path> d = Files.newDirectoryStream(abs)) {
                if (d.iterator().hasNext()) {
                    return "mount point " + abs + " is not empty (choose an empty directory)";
                }
            } catch (IOException e) {
                return "mount point " + abs + " cannot be read: " + e.getMessage();
            }
        }
        return null;
    }

    /** Whether {@code dir} is the target of a mount in {@code mountinfo} (the 5th field, octal-escaped). */
    static boolean isMountPoint(Path dir, Path mountinfo) throws IOException {
        String target = dir.toString();
        for (String line : Files.readAllLines(mountinfo)) {
            String[] f = line.split(" ");
            if (f.length > 4 && unescape(f[4]).equals(target)) {
                return true;
            }
        }
        return false;
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
