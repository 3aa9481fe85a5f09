package io.cairn.datanode.store;

import io.cairn.common.error.CairnException;
import io.cairn.common.path.PathRules;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where chunk files live: {@code chunks/ab/<id>}, under the first two hex digits of their id. An id
 * becomes a path only after {@link PathRules#chunkId} accepted it.
 */
final class ChunkPaths {
    private static final Pattern PREFIX = Pattern.compile("[0-9a-f]{2}");

    private final Path root;

    ChunkPaths(Path root) {
        this.root = root;
    }

    /** The {@code chunks/} directory. */
    Path root() {
        return root;
    }

    /** The file of chunk {@code id}; EINVAL for a bad id. */
    Path of(String id) throws CairnException {
        PathRules.chunkId(id);
        return root.resolve(id.substring(0, 2)).resolve(id);
    }

    /** Whether {@code name} can be a directory of chunks (two lowercase hex digits). */
    static boolean isPrefix(String name) {
        return PREFIX.matcher(name).matches();
    }

    /** Whether {@code name} is a chunk id that belongs in the directory {@code prefix}. */
    static boolean isChunkIn(String name, String prefix) {
        return PathRules.isChunkId(name) && name.startsWith(prefix);
    }
}
