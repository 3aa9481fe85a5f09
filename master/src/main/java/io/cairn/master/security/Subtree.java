package io.cairn.master.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;

import java.util.ArrayList;
import java.util.List;

/**
 * The directory a client token is confined to, as an NFS export of a subdirectory: the caller's
 * {@code /} is that directory, and every path it sends is taken inside it. Paths hold no {@code ..}
 * (PathRules refuses it) and the master never follows a symlink while resolving one, so a
 * confined caller cannot name anything above its root; what it names by inode is checked
 * against the root separately ({@code Namespace.holds}).
 *
 * @param root a normalized absolute path; {@code /} for a token that sees the whole namespace
 */
public record Subtree(String root) {
    public static final Subtree WHOLE = new Subtree("/");

    /** The subtree rooted at {@code root} (checked and normalized); the whole namespace for null or {@code /}. */
    public static Subtree of(String root) throws CairnException {
        return root == null ? WHOLE : new Subtree(PathRules.normalize(root));
    }

    public boolean whole() {
        return root.equals("/");
    }

    /** The namespace's path for the caller's {@code path} (checked); the path itself for the whole namespace. */
    public String path(String path) throws CairnException {
        if (whole()) {
            return path;
        }
        List<String> parts = new ArrayList<>(PathRules.split(root));
        parts.addAll(PathRules.split(path));
        return PathRules.join(parts);
    }

    /**
     * As {@link #path}, for a name that is removed, renamed, replaced or given a new link: the
     * caller's {@code /} is none of those (EPERM), so a confined caller cannot remove or move its own root.
     */
    public String entry(String path) throws CairnException {
        if (!whole() && PathRules.split(path).isEmpty()) {
            throw new CairnException(ErrorCode.EPERM, "/ is the root of this token's directory (" + root
                    + "); it cannot be removed, moved or replaced through it");
        }
        return path(path);
    }
}
