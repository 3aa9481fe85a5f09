package io.cairn.mount.meta;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.InodePaths;
import io.cairn.common.path.PathRules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The path the master is sent for a path of this mount. A tree may be deeper than
 * {@link PathRules#PATH_MAX} bytes, as on a local disk, where programs reach it step by step
 * ({@code cd}, {@code openat}); libfuse still hands the mount the whole path. The master takes no
 * path longer than PATH_MAX, so a longer one is sent as an {@link InodePaths inode path}: the mount
 * cuts it into pieces that each fit, learns the inode of the directory at the end of each piece
 * but the last (from its attribute cache, or one lookup), and sends
 * {@code /.cairn-inodes/N/last-piece}.
 */
final class WirePaths {
    /** The inode of directory {@code path}, which the master knows as {@code wire} (a path that fits). */
    @FunctionalInterface
    interface Directories {
        long inode(String path, String wire) throws IOException;
    }

    private WirePaths() {
    }

    static String of(String path, Directories dirs) throws IOException {
        if (bytes(path) <= PathRules.PATH_MAX) {
            return path;
        }
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        long base = 0; // 0: the root, so the piece goes as a plain path
        int from = 0;
        while (true) {
            String rest = join(parts, from, parts.size());
            String whole = base == 0 ? rest : InodePaths.of(base, rest);
            if (bytes(whole) <= PathRules.PATH_MAX) {
                return whole;
            }
            int len = base == 0 ? 0 : bytes(InodePaths.of(base, "/"));
            int to = from;
            while (to < parts.size() && len + 1 + bytes(parts.get(to)) <= PathRules.PATH_MAX) {
                len += 1 + bytes(parts.get(to));
                to++;
            }
            if (to == from) { // a name longer than a whole path: PathRules refuses those first
                throw new CairnException(ErrorCode.ENAMETOOLONG, "a name in the path is longer than " + PathRules.PATH_MAX + " bytes");
            }
            String piece = join(parts, from, to);
            base = dirs.inode(join(parts, 0, to), base == 0 ? piece : InodePaths.of(base, piece));
            from = to;
        }
    }

    private static String join(List<String> parts, int from, int to) {
        if (from == to) {
            return "/";
        }
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append('/').append(parts.get(i));
        }
        return b.toString();
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
