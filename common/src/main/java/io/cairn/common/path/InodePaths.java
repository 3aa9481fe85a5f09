package io.cairn.common.path;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.util.List;

/**
 * Paths that start at an inode instead of the root: {@code /.cairn-inodes/N/rest} names what
 * {@code rest} names inside directory inode {@code N}. A mount sends such a path when the whole path
 * from the root would be longer than {@link PathRules#PATH_MAX} (trees deeper than that are fine
 * on a local disk, reached step by step), so that no request carries more than that. The name
 * {@value #ROOT_NAME} is reserved at the root of the namespace: nothing can be made there by that name.
 */
public final class InodePaths {
    /** The reserved name at the root. */
    public static final String ROOT_NAME = ".cairn-inodes";
    private static final String PREFIX = "/" + ROOT_NAME + "/";

    private InodePaths() {
    }

    /** The path that names {@code rest} (an absolute path, "/" for the inode itself) inside inode {@code inode}. */
    public static String of(long inode, String rest) {
        return PREFIX + inode + (rest.equals("/") ? "" : rest);
    }

    /** Whether {@code path} has the inode form (a quick look, before it is checked). */
    public static boolean looksLike(String path) {
        return path != null && path.startsWith(PREFIX);
    }

    /**
     * The inode a split path starts at, or null for a path from the root. EINVAL for the reserved name
     * alone or with something other than a positive decimal inode number after it.
     */
    public static Long start(List<String> parts) throws CairnException {
        if (parts.isEmpty() || !parts.get(0).equals(ROOT_NAME)) {
            return null;
        }
        if (parts.size() < 2 || !parts.get(1).matches("[1-9][0-9]{0,18}")) {
            throw new CairnException(ErrorCode.EINVAL, "/" + ROOT_NAME
                    + " is reserved: /" + ROOT_NAME + "/N/... names a path inside directory inode N");
        }
        try {
            return Long.parseLong(parts.get(1));
        } catch (NumberFormatException e) {
            throw new CairnException(ErrorCode.EINVAL, "inode number out of range: " + parts.get(1));
        }
    }
}
