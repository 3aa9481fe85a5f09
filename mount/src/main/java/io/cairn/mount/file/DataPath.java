package io.cairn.mount.file;

import io.cairn.common.client.ChunkService;
import io.cairn.common.wire.Attr;
import io.cairn.mount.cache.ChunkCache;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What every open file of a mount shares: the cluster (in memory in unit tests), the read cache, the
 * dirty-memory budget, the upload threads, the limits, who to tell when a commit changed a
 * file's attributes, and the count of uploads running and failed.
 */
public record DataPath(ChunkService cluster, ChunkCache cache, DirtyBudget budget, Executor uploads, DataLimits limits,
                       Consumer<Attr> onCommit, UploadCounts uploadCounts) {
    /** With uploads counted where no one looks (unit tests). */
    public DataPath(ChunkService cluster, ChunkCache cache, DirtyBudget budget, Executor uploads, DataLimits limits,
                    Consumer<Attr> onCommit) {
        this(cluster, cache, budget, uploads, limits, onCommit, new UploadCounts());
    }
}
