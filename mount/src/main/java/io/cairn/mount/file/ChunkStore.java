package io.cairn.mount.file;

import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.Requests;

import java.io.IOException;
import java.util.Collection;

/**
 * What an open file needs from the cluster: chunk uploads, layouts, commits and size changes. The
 * cluster is the real implementation ({@link ClusterChunkStore}); unit tests use one in memory.
 */
public interface ChunkStore {
    /** What an upload gives: the entry to commit, and where the new chunk can be read back from. */
    record Uploaded(Requests.CommitChunk commit, ChunkRef ref) {
    }

    /**
     * Stores {@code data[0..length)} as a new chunk for index {@code index} of the file (not yet
     * committed): checked and in place on every replica, but maybe only in their page cache.
     */
    Uploaded upload(long inode, long index, byte[] data, int length) throws IOException;

    /** Makes uploaded chunks durable (on stable storage) on every replica that holds them. */
    void sync(Collection<ChunkRef> chunks) throws IOException;

    /** Fetches a whole chunk, verified. */
    byte[] fetch(ChunkRef chunk) throws IOException;

    /** A page of the file's chunk list from index {@code from}. */
    FileLayout layout(long inode, long from, int limit) throws IOException;

    /** Records uploaded chunks and sets the size ({@code size < 0}: grow to cover them). */
    Attr commit(Requests.Commit commit) throws IOException;

    /** Truncates or extends the file to {@code size} (in metadata only). */
    Attr setSize(long inode, long size) throws IOException;
}
