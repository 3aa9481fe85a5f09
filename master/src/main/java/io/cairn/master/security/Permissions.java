package io.cairn.master.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.Caller;
import io.cairn.common.wire.FileType;
import io.cairn.master.meta.InodeRow;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The POSIX checks the master makes itself for a token limited in its ids ({@link Owners} not
 * {@code any()}), as the uid and groups the client says it acts as ({@link Caller}), squashed and
 * within the token's ranges: mode bits of owner, group and others, the sticky bit, owner-only
 * changes, and root (uid 0, only when the token's uids hold it) passing them as the kernel lets it.
 * A token not limited in its ids may act as any uid, root included, so checking as the uid it
 * claims would protect nothing: it gets {@link #UNCHECKED}. Mode refusals are EACCES, owner-only
 * refusals EPERM, as Linux answers.
 */
public final class Permissions {
    /** No checks: for a token not limited in its ids, datanodes and the master's own calls. */
    public static final Permissions UNCHECKED = new Permissions(-1, Set.of());

    static final int R = 4;
    static final int W = 2;
    static final int X = 1;
    private static final int STICKY = 01000;

    private final int uid;
    private final Set<Integer> groups;

    private Permissions(int uid, Set<Integer> groups) {
        this.uid = uid;
        this.groups = groups;
    }

    /** Checks as {@code uid} in {@code groups} (the primary gid first). */
    static Permissions as(int uid, Set<Integer> groups) {
        return new Permissions(uid, Set.copyOf(groups));
    }

    /**
     * The checks for a request of a token with {@code owners} that says it acts as {@code caller}
     * (null: the header was not sent): unchecked for a token not limited in its ids; else the
     * squashed uid and primary gid, which must lie in the token's ranges (EPERM), and the
     * supplementary gids that do (the others are dropped).
     */
    public static Permissions of(Owners owners, Caller caller) throws CairnException {
        if (owners.any()) {
            return UNCHECKED;
        }
        if (caller == null) {
            throw new CairnException(ErrorCode.EPERM, "this token is limited in its ids: the client must say which uid"
                    + " it acts as (" + Caller.HEADER + ": UID:GID[:GIDS]; newer clients always do)");
        }
        int u = owners.actingUid(caller.uid());
        int g = owners.actingGid(caller.gid());
        Set<Integer> gs = new LinkedHashSet<>();
        gs.add(g);
        for (int extra : caller.groups()) {
            Integer s = owners.groupWithin(extra);
            if (s != null) {
                gs.add(s);
            }
        }
        return new Permissions(u, gs);
    }

    public boolean checked() {
        return this != UNCHECKED;
    }

    /** The uid checks are made as. */
    public int uid() {
        return uid;
    }

    /** The primary gid checks are made as. */
    public int gid() {
        return groups.iterator().next();
    }

    boolean root() {
        return uid == 0;
    }

    public boolean inGroup(int gid) {
        return groups.contains(gid);
    }

    /**
     * Whether a caller {@code uid} in {@code groups} may {@code want} (bits of R, W, X) a file of
     * {@code mode}, {@code fileUid} and {@code fileGid}: the owner's bits for its owner, else the
     * group's for a member, else the others'. Root may read and write anything, search any
     * directory, and execute a file that has any x bit.
     */
    static boolean allows(int mode, int fileUid, int fileGid, boolean dir, int uid, Set<Integer> groups, int want) {
        if (uid == 0) {
            return (want & X) == 0 || dir || (mode & 0111) != 0;
        }
        int bits = uid == fileUid ? mode >> 6 : groups.contains(fileGid) ? mode >> 3 : mode;
        return (bits & want & 7) == want;
    }

    private boolean may(InodeRow n, int want) {
        return !checked() || allows(n.mode(), n.uid(), n.gid(), n.type() == FileType.DIR, uid, groups, want);
    }

    private boolean owns(InodeRow n) {
        return !checked() || root() || n.uid() == uid;
    }

    private CairnException denied(String op, String what, InodeRow n) {
        return CairnException.of(ErrorCode.EACCES, "%s: uid %d may not %s (inode %d, mode %04o, owner %d:%d)", op, uid,
                what, n.id(), n.mode() & 07777, n.uid(), n.gid());
    }

    /** x on a directory walked on the way to {@code path}. */
    public void search(InodeRow dir, String path) throws CairnException {
        if (!may(dir, X)) {
            throw denied(path, "search a directory on the way", dir);
        }
    }

    /** r on a directory listed. */
    public void list(InodeRow dir, String path) throws CairnException {
        if (!may(dir, R)) {
            throw denied("list " + path, "read the directory", dir);
        }
    }

    /** w and x on {@code dir}, to make a name in it ({@code op}: create, mkdir, symlink, link, rename). */
    public void addTo(InodeRow dir, String op, String path) throws CairnException {
        if (!may(dir, W | X)) {
            throw denied(op + " " + path, "write the directory", dir);
        }
    }

    /**
     * w and x on {@code dir}, to remove (or move away, or replace) its entry {@code victim}; in a
     * sticky directory only the victim's owner, the directory's owner or root may (EPERM).
     */
    public void removeFrom(InodeRow dir, InodeRow victim, String op, String path) throws CairnException {
        addTo(dir, op, path);
        if (checked() && (dir.mode() & STICKY) != 0 && !root() && victim.uid() != uid && dir.uid() != uid) {
            throw CairnException.of(ErrorCode.EPERM, "%s %s: the directory is sticky (mode %04o) and uid %d owns neither"
                    + " it (uid %d) nor the entry (uid %d)", op, path, dir.mode() & 07777, uid, dir.uid(), victim.uid());
        }
    }

    /** Owner or root only: chmod, times set to a given time (EPERM). */
    public void owner(InodeRow n, String op) throws CairnException {
        if (!owns(n)) {
            throw CairnException.of(ErrorCode.EPERM, "%s: uid %d does not own inode %d (uid %d)", op, uid, n.id(), n.uid());
        }
    }

    /** Times set to now: the owner, or with w. */
    public void touch(InodeRow n) throws CairnException {
        if (!owns(n) && !may(n, W)) {
            throw denied("utimes", "set the times to now without w", n);
        }
    }

    /** A chown to {@code newUid}/{@code newGid} (null: unchanged): a uid only by root; a gid by the owner, to a group it is in. */
    public void chown(InodeRow n, Integer newUid, Integer newGid) throws CairnException {
        if (!checked() || root()) {
            return;
        }
        if (newUid != null && newUid != n.uid()) {
            throw CairnException.of(ErrorCode.EPERM, "chown: only root may give inode %d another uid (%d, not %d)",
                    n.id(), newUid, n.uid());
        }
        if (newGid != null && newGid != n.gid()) {
            owner(n, "chown");
            if (!inGroup(newGid)) {
                throw CairnException.of(ErrorCode.EPERM, "chown: uid %d is not in group %d", uid, newGid);
            }
        }
    }

    /**
     * w, or its owner, to change a file's size through setattr: ftruncate through a descriptor open
     * for writing is not checked against the mode on a local disk either (a file made with O_CREAT
     * and mode 0444 may be sized by its maker), and an owner could chmod it anyway.
     */
    public void truncate(InodeRow n) throws CairnException {
        if (!owns(n) && !may(n, W)) {
            throw denied("truncate", "write the file", n);
        }
    }

    /** A file's chunk list: r, or its owner. */
    public void readData(InodeRow n) throws CairnException {
        if (!owns(n) && !may(n, R)) {
            throw denied("read the chunk list", "read the file", n);
        }
    }

    /**
     * Allocations and commits: w, or its owner. The owner passes without w on purpose: a file
     * made with O_CREAT and mode 0444 must still take the bytes its maker writes through the
     * descriptor it holds, as on a local disk (the kernel checks modes at open, not at each
     * write), and an owner could chmod it anyway.
     */
    public void writeData(InodeRow n) throws CairnException {
        if (!owns(n) && !may(n, W)) {
            throw denied("write", "write the file", n);
        }
    }

    /** Extended attributes: user.* needs r to get and w to set; the other namespaces are root's to change. */
    public void xattr(InodeRow n, String name, boolean change) throws CairnException {
        if (!checked()) {
            return;
        }
        if (name.startsWith("user.")) {
            if (!may(n, change ? W : R)) {
                throw denied((change ? "set " : "get ") + name, change ? "write the file" : "read the file", n);
            }
        } else if (change && !root()) {
            throw CairnException.of(ErrorCode.EPERM, "set %s: only root may change that namespace (uid %d)", name, uid);
        }
    }

    /** The owner a new file gets: the caller's uid (another only for root, EPERM). */
    public Integer newUid(Integer asked) throws CairnException {
        if (!checked()) {
            return asked;
        }
        if (asked == null) {
            return uid;
        }
        if (asked != uid && !root()) {
            throw CairnException.of(ErrorCode.EPERM, "uid %d may not make a file owned by uid %d", uid, asked);
        }
        return asked;
    }

    /** The group a new file gets: the caller's primary gid, or another group it is in (EPERM). */
    public Integer newGid(Integer asked) throws CairnException {
        if (!checked()) {
            return asked;
        }
        if (asked == null) {
            return gid();
        }
        if (!inGroup(asked) && !root()) {
            throw CairnException.of(ErrorCode.EPERM, "uid %d is not in group %d and may not make a file of it", uid, asked);
        }
        return asked;
    }

    /** For tests and log lines. */
    List<Integer> groups() {
        return List.copyOf(groups);
    }

    @Override
    public String toString() {
        return checked() ? "uid " + uid + " groups " + groups : "unchecked";
    }
}
