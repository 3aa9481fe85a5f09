package io.cairn.mount.file;

import io.cairn.common.client.ChunkService;
import io.cairn.common.wire.Attr;
import io.cairn.mount.cache.ChunkCache;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What every open file of a mount shares: the cluster (in memory in unit tests), the read cache, the
 * dirty-memory budget, the upload threads, the limits, and who to tell when a commit changed a
 * file's attributes.
 */
public record DataPath(ChunkService cluster, ChunkCache cache, DirtyBudget budget, Executor uploads, DataLimits limits,
                       Consumer<Attr> onCommit) {
}
