package io.cairn.mount.fuse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files of this mount that lost their last name while open here. libfuse 2.9 keeps such a file
 * reachable by renaming it to a name of its own, {@code .fuse_hidden} and 16 hex digits, unique
 * within the mount, and removes that name at the last close. Cairn does not give the file that name
 * on the master: the rename becomes an unlink that asks the master to keep the file for this mount's
 * session, and the name lives here only, so no listing shows it, the directory can be removed, and
 * the file's calls (fstat, fchmod, futimens, ftruncate) reach it by inode. The hidden name's own
 * unlink, at the last close, tells the master to let it go.
 *
 * <p>Kept by the last component of the path, which libfuse makes unique: the directory it lies in
 * may be renamed or removed meanwhile. Once it is removed, libfuse can no longer name the file:
 * its calls come with a null path (by handle), and its last release lets it go here.
 */
final class HiddenFiles {
    static final String PREFIX = ".fuse_hidden";

    /** A hidden file: its inode, and the session the master keeps it for. */
    record Hidden(long inode, String session) {
    }

    private final Map<String, Hidden> byName = new ConcurrentHashMap<>();

    /** Whether {@code path} has the form of a name libfuse hides open files under. */
    static boolean hiddenName(String path) {
        return path != null && name(path).startsWith(PREFIX);
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    void put(String path, long inode, String session) {
        byName.put(name(path), new Hidden(inode, session));
    }

    /** The hidden file {@code path} names, or null (an ordinary name, or not hidden by this mount). */
    Hidden get(String path) {
        return hiddenName(path) ? byName.get(name(path)) : null;
    }

    Hidden remove(String path) {
        return hiddenName(path) ? byName.remove(name(path)) : null;
    }

    /** Forgets every hidden name of {@code inode} (one, but for two open names of one hard-linked file), saying which. */
    java.util.List<Hidden> removeInode(long inode) {
        java.util.List<Hidden> gone = new java.util.ArrayList<>();
        byName.entrySet().removeIf(e -> {
            if (e.getValue().inode() == inode) {
                gone.add(e.getValue());
                return true;
            }
            return false;
        });
        return gone;
    }

    int size() {
        return byName.size();
    }
}
