package io.cairn.master.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The owners a client token may give files, as an NFS export's squash and id options: with
 * {@code squashRoot}, uid 0 and gid 0 become {@link #NOBODY} (root on the client is nobody in the
 * cluster); with {@code uids} (or {@code gids}) set, a file can be made or given to those ids
 * only, after the squash (EPERM otherwise). Null ranges allow every id.
 *
 * @param uids       ranges of uids, e.g. {@code 1000-1999,3000}; null: any
 * @param gids       ranges of gids; null: any
 * @param squashRoot whether uid and gid 0 become {@link #NOBODY}
 * @param squashAll  whether every uid and gid becomes {@link #NOBODY}, as NFS's {@code all_squash}
 */
public record Owners(String uids, String gids, boolean squashRoot, boolean squashAll) {
    public Owners(String uids, String gids, boolean squashRoot) {
        this(uids, gids, squashRoot, false);
    }

    /** Every id as sent. */
    public static final Owners ANY = new Owners(null, null, false, false);
    /** The id root is squashed to: nobody and nogroup on Debian. */
    public static final int NOBODY = 65534;
    /** The most ranges in one list. */
    static final int MOST_RANGES = 64;
    private static final Pattern RANGE = Pattern.compile("(\\d{1,10})(?:-(\\d{1,10}))?");

    /** Checked and written canonically ({@code 1-5,9}): EINVAL for a malformed list, a range backwards or an id over 2^31-1. */
    public static Owners of(String uids, String gids, boolean squashRoot) throws CairnException {
        return of(uids, gids, squashRoot, false);
    }

    /** As above, with every id squashed when {@code squashAll}. */
    public static Owners of(String uids, String gids, boolean squashRoot, boolean squashAll) throws CairnException {
        return new Owners(canonical("uids", uids), canonical("gids", gids), squashRoot, squashAll);
    }

    public boolean any() {
        return uids == null && gids == null && !squashRoot && !squashAll;
    }

    /** The uid a new file or a chown gets for the caller's {@code uid} (null: the master's default, root). */
    public Integer uid(Integer uid) throws CairnException {
        return id("uid", uids, uid);
    }

    /** The same for a gid. */
    public Integer gid(Integer gid) throws CairnException {
        return id("gid", gids, gid);
    }

    /** The uid a new file gets for the caller's {@code uid}: null is the master's default, root, squashed and checked too. */
    public Integer newUid(Integer uid) throws CairnException {
        return uid(uid == null && !any() ? Integer.valueOf(0) : uid);
    }

    /** The same for a new file's gid. */
    public Integer newGid(Integer gid) throws CairnException {
        return gid(gid == null && !any() ? Integer.valueOf(0) : gid);
    }

    /** The uid a request of this token acts as, for {@code uid} as the client says: squashed, and in the ranges (EPERM). */
    public int actingUid(int uid) throws CairnException {
        return acting("uid", uids, uid);
    }

    /** The same for the primary gid. */
    public int actingGid(int gid) throws CairnException {
        return acting("gid", gids, gid);
    }

    /** A supplementary gid squashed, or null when it is outside the ranges (it is then dropped, not refused). */
    public Integer groupWithin(int gid) {
        int v = squash(gid);
        return gids == null || within(gids, v) ? v : null;
    }

    private int acting(String what, String ranges, int id) throws CairnException {
        int v = squash(id);
        if (ranges != null && !within(ranges, v)) {
            throw new CairnException(ErrorCode.EPERM, "this token may act as " + what + "s " + ranges + " only, not "
                    + v + (v != id ? " (" + what + " " + id + " squashed)" : ""));
        }
        return v;
    }

    private Integer id(String what, String ranges, Integer id) throws CairnException {
        if (id == null) {
            return null;
        }
        int v = squash(id);
        if (ranges != null && !within(ranges, v)) {
            throw new CairnException(ErrorCode.EPERM, "this token may give files the " + what + "s " + ranges + " only, not "
                    + v + (v != id ? " (" + what + " " + id + " squashed)" : ""));
        }
        return v;
    }

    /** {@code id} as this token's callers act: {@link #NOBODY} when squashed. */
    private int squash(int id) {
        return squashAll || squashRoot && id == 0 ? NOBODY : id;
    }

    private static boolean within(String ranges, long v) {
        for (String r : ranges.split(",")) {
            int dash = r.indexOf('-');
            long lo = Long.parseLong(dash < 0 ? r : r.substring(0, dash));
            long hi = dash < 0 ? lo : Long.parseLong(r.substring(dash + 1));
            if (v >= lo && v <= hi) {
                return true;
            }
        }
        return false;
    }

    private static String canonical(String what, String ranges) throws CairnException {
        if (ranges == null) {
            return null;
        }
        String[] parts = ranges.split(",", -1);
        if (ranges.length() > 32 * MOST_RANGES || parts.length > MOST_RANGES) {
            throw new CairnException(ErrorCode.EINVAL, "at most " + MOST_RANGES + " ranges of " + what);
        }
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            var m = RANGE.matcher(p.trim());
            if (!m.matches()) {
                throw new CairnException(ErrorCode.EINVAL, what + " are ranges such as 1000-1999,3000, not '"
                        + (ranges.length() > 40 ? ranges.substring(0, 40) + "..." : ranges) + "'");
            }
            long lo = Long.parseLong(m.group(1));
            long hi = m.group(2) == null ? lo : Long.parseLong(m.group(2));
            if (hi > Integer.MAX_VALUE || lo > hi) {
                throw new CairnException(ErrorCode.EINVAL, "the range " + p.trim() + " of " + what
                        + " is backwards or past " + Integer.MAX_VALUE);
            }
            out.add(lo == hi ? Long.toString(lo) : lo + "-" + hi);
        }
        return String.join(",", out);
    }
}
