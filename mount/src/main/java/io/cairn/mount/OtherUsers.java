package io.cairn.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;

/**
 * Whether users other than the one who mounts may use the mount. FUSE refuses everyone else unless
 * the mount has {@code allow_other}; with {@code default_permissions} (always on) the kernel then
 * checks modes and owners as on a local disk. Root may always ask for it; another user only when
 * {@code /etc/fuse.conf} has {@code user_allow_other}, else fusermount refuses the whole mount.
 *
 * @param allowOther whether to add {@code allow_other} to the mount's options
 * @param advice     one line for the operator when other users stay shut out, else null
 */
record OtherUsers(boolean allowOther, String advice) {
    static final Path FUSE_CONF = Path.of("/etc/fuse.conf");

    /**
     * @param uid       the mounting user
     * @param fuseConf  the text of /etc/fuse.conf, or empty when there is none
     * @param ownerOnly the mount was asked to be private ({@code --owner-only})
     * @param given     {@code allow_other} is already among the {@code -o} options
     */
    static OtherUsers decide(long uid, Optional<String> fuseConf, boolean ownerOnly, boolean given) {
        if (given) {
            return new OtherUsers(false, null); // as asked; libfuse says so itself if it may not
        }
        if (ownerOnly) {
            return new OtherUsers(false, null);
        }
        if (uid == 0 || fuseConf.map(OtherUsers::allowsUsers).orElse(false)) {
            return new OtherUsers(true, null);
        }
        return new OtherUsers(false, "only this user (uid " + uid + ") can use the mount: add the line"
                + " 'user_allow_other' to " + FUSE_CONF + " (as root) and mount again to let other users in");
    }

    /** Whether a fuse.conf lets users other than root mount with allow_other (a line of its own; # starts a comment). */
    static boolean allowsUsers(String conf) {
        return conf.lines().map(l -> l.replaceFirst("#.*", "").trim()).anyMatch("user_allow_other"::equals);
    }

    /**
     * The first directory above the mount point that other users may not pass through (no
     * search permission for others), or null when they can reach it: allow_other helps nobody who
     * cannot get to the mount point.
     */
    static Path unreachable(Path mountPoint) {
        for (Path p = mountPoint.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return p;
                }
            } catch (IOException | UnsupportedOperationException e) {
                return null; // cannot tell: say nothing
            }
        }
        return null;
    }

    /** For this process. */
    static OtherUsers here(MountSettings s) {
        long uid;
        try {
            uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            uid = -1; // unknown: not root, so only fuse.conf can let others in
        }
        Optional<String> conf;
        try {
            conf = Optional.of(Files.readString(FUSE_CONF));
        } catch (IOException e) {
            conf = Optional.empty(); // none, or unreadable: as if it said nothing
        }
        OtherUsers d = decide(uid, conf, s.ownerOnly(), FuseArgs.has(s, "allow_other"));
        Path shut = d.allowOther() ? unreachable(s.mountPoint()) : null;
        if (shut != null) {
            return new OtherUsers(true, "other users cannot reach the mount point: " + shut
                    + " gives them no search permission (chmod o+x " + shut + " to let them in)");
        }
        return d;
    }
}
