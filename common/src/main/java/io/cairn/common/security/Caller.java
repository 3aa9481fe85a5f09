package io.cairn.common.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * The uid, gid and supplementary gids a client acts as, sent to the master as
 * {@code X-Cairn-As: UID:GID[:G1,G2,...]} so that it can check modes for a token limited in its
 * ids. A thread acts as the caller {@link #as} set on it (the mount: the process behind each FUSE
 * call), else as this process ({@link #process}: the CLI).
 *
 * @param uid    the uid
 * @param gid    the primary gid
 * @param groups the supplementary gids, at most {@link #MOST_GROUPS}
 */
public record Caller(int uid, int gid, List<Integer> groups) {
    /** The request header. */
    public static final String HEADER = "X-Cairn-As";
    /** The most supplementary gids one caller may name (Linux allows 65536; a header stays small). */
    public static final int MOST_GROUPS = 64;
    /** The longest header value: 66 ids of 10 digits and their separators. */
    static final int MOST_CHARS = (MOST_GROUPS + 2) * 11;
    private static final Pattern FORM = Pattern.compile("\\d{1,10}:\\d{1,10}(:(\\d{1,10}(,\\d{1,10})*)?)?");
    private static final ThreadLocal<Caller> CURRENT = new ThreadLocal<>();
    private static volatile Caller process;

    public Caller {
        groups = List.copyOf(groups);
        if (uid < 0 || gid < 0 || groups.size() > MOST_GROUPS || groups.stream().anyMatch(g -> g < 0)) {
            throw new IllegalArgumentException("a caller is a uid, a gid and at most " + MOST_GROUPS
                    + " more gids, each 0 to 2^31-1");
        }
    }

    /** The header's value. */
    public String header() {
        StringBuilder b = new StringBuilder().append(uid).append(':').append(gid);
        for (int i = 0; i < groups.size(); i++) {
            b.append(i == 0 ? ':' : ',').append(groups.get(i));
        }
        return b.toString();
    }

    /** The caller a header names: EINVAL for anything but {@code UID:GID[:G1,...]} within the limits. */
    public static Caller parse(String value) throws CairnException {
        if (value == null || value.length() > MOST_CHARS || !FORM.matcher(value).matches()) {
            throw new CairnException(ErrorCode.EINVAL, HEADER + " is UID:GID[:G1,G2,...] with at most " + MOST_GROUPS
                    + " more gids, not '" + (value == null ? "" : value.length() > 40 ? value.substring(0, 40) + "..." : value)
                    + "'");
        }
        String[] parts = value.split(":", -1);
        List<Integer> groups = new ArrayList<>();
        if (parts.length == 3 && !parts[2].isEmpty()) {
            String[] gs = parts[2].split(",");
            if (gs.length > MOST_GROUPS) {
                throw new CairnException(ErrorCode.EINVAL, HEADER + " names at most " + MOST_GROUPS + " more gids, not "
                        + gs.length);
            }
            for (String g : gs) {
                groups.add(id(g));
            }
        }
        return new Caller(id(parts[0]), id(parts[1]), groups);
    }

    private static int id(String s) throws CairnException {
        long v = Long.parseLong(s);
        if (v > Integer.MAX_VALUE) {
            throw new CairnException(ErrorCode.EINVAL, HEADER + ": the id " + s + " is past " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    /** The caller this thread acts as: the one {@link #as} set, else this process (null when it cannot be told). */
    public static Caller current() {
        Caller c = CURRENT.get();
        return c != null ? c : process();
    }

    /** Runs {@code body} on this thread as {@code caller} (null: as this process). */
    public static <T> T as(Caller caller, Callable<T> body) throws Exception {
        Caller before = CURRENT.get();
        CURRENT.set(caller);
        try {
            return body.call();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /** {@code task} made to run, on whichever thread, as the caller this thread acts as now. */
    public static Runnable carried(Runnable task) {
        Caller c = CURRENT.get();
        if (c == null) {
            return task;
        }
        return () -> {
            Caller before = CURRENT.get();
            CURRENT.set(c);
            try {
                task.run();
            } finally {
                if (before == null) {
                    CURRENT.remove();
                } else {
                    CURRENT.set(before);
                }
            }
        };
    }

    /** This process's effective uid, gid and groups, from /proc/self/status; null where there is none. */
    public static Caller process() {
        Caller p = process;
        if (p == null) {
            p = ofStatus(Path.of("/proc/self/status"));
            process = p;
        }
        return p;
    }

    /** The effective ids and groups of the process whose {@code /proc/PID/status} is {@code status}; null if unreadable. */
    public static Caller ofStatus(Path status) {
        try {
            Integer uid = null;
            Integer gid = null;
            List<Integer> groups = new ArrayList<>();
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    uid = field(line, 2);
                } else if (line.startsWith("Gid:")) {
                    gid = field(line, 2);
                } else if (line.startsWith("Groups:")) {
                    for (String g : line.substring(7).trim().split("\\s+")) {
                        if (!g.isEmpty() && groups.size() < MOST_GROUPS) {
                            groups.add(Integer.parseInt(g));
                        }
                    }
                }
            }
            return uid == null || gid == null ? null : new Caller(uid, gid, groups);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The supplementary groups of process {@code pid} (empty when it is gone or cannot be read). */
    public static List<Integer> groupsOf(long pid) {
        Caller c = pid <= 0 ? null : ofStatus(Path.of("/proc/" + pid + "/status"));
        return c == null ? List.of() : c.groups();
    }

    /** The {@code n}th (from 1) whitespace-separated field after the label: Uid's second is the effective uid. */
    private static int field(String line, int n) {
        String[] f = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return Integer.parseInt(f[Math.min(n, f.length) - 1]);
    }
}
