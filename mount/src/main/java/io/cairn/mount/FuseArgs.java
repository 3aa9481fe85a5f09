package io.cairn.mount;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The arguments handed to libfuse after the mount point. */
final class FuseArgs {
    /**
     * Always on. {@code auto_unmount}: a killed mount leaves no dead directory behind; {@code use_ino}:
     * st_ino is the Cairn inode, so hard links show one number; {@code default_permissions}: the kernel
     * checks modes and owners as a local file system does; {@code big_writes,max_write=131072}: 128 KiB
     * writes instead of 4 KiB ones; {@code max_background=64,congestion_threshold=48}: the kernel
     * keeps up to 64 asynchronous requests (read-ahead, mostly) in flight instead of 12, so that a
     * few readers waiting on a slow datanode do not fill the kernel's queue and hold up the reads
     * of every other file (64 is also how many workers serve requests).
     */
    static final String BASE = "auto_unmount,use_ino,default_permissions,big_writes,max_write=131072,"
            + "max_background=64,congestion_threshold=48,fsname=cairn,subtype=cairn";

    private FuseArgs() {
    }

    static String[] of(MountSettings s, boolean singleThreaded, OtherUsers others) {
        String t = seconds(s.attrTimeout());
        List<String> opts = new ArrayList<>(List.of(BASE, "attr_timeout=" + t, "entry_timeout=" + t,
                "negative_timeout=" + t));
        if (others.allowOther()) {
            opts.add("allow_other");
        }
        for (String o : s.extraOptions()) { // last: libfuse takes the last value of an option given twice
            for (String one : o.split(",")) {
                if (!one.isBlank()) {
                    opts.add(one.trim());
                }
            }
        }
        List<String> args = new ArrayList<>(List.of("-o", String.join(",", opts)));
        if (singleThreaded) {
            args.add("-s");
        }
        return args.toArray(new String[0]);
    }

    /** Whether an option (e.g. {@code nonempty}) was passed with -o. */
    static boolean has(MountSettings s, String option) {
        for (String o : s.extraOptions()) {
            for (String one : o.split(",")) {
                if (one.trim().equals(option)) {
                    return true;
                }
            }
        }
        return false;
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }
}
