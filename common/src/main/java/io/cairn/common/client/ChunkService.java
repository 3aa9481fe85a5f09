package io.cairn.common.client;

import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Requests;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the file code of a client ({@code put}, {@code get}, the mount) needs from the cluster, one
 * call per step of a chunk's life: allocate, store on the replicas, sync, copy to more replicas,
 * commit, list, fetch, and resize. {@link Cluster#chunkService()} is the real one (master +
 * datanodes); unit tests use one in memory. {@link FileChunks} drives the write side,
 * {@link LayoutPages} the listing.
 */
public interface ChunkService {
    /** A fresh chunk id for a new chunk of {@code inode}, and the R datanodes to store it on. */
    Allocation allocate(long inode) throws IOException;

    /** {@code many} fresh chunk ids for the file (at least one), in as few master calls as the cluster allows. */
    default List<Allocation> allocate(long inode, int many) throws IOException {
        return List.of(allocate(inode));
    }

    /**
     * Stores {@code data[0..length)} as the allocated chunk {@code index} of the file (not yet
     * committed) on the allocation's targets, replacing a target that fails by another live node.
     * Returns where it landed. With {@code durable} the replicas sync before they answer; without,
     * the bytes are checked and in their page cache until {@link #sync}.
     */
    ChunkRef store(long inode, Allocation where, long index, byte[] data, int length, boolean durable)
            throws IOException;

    /**
     * Asks every replica of these chunks to make them durable (on stable storage), and says, for each
     * chunk id, the replicas that did. A replica that fails (dead, too slow, or without the chunk)
     * is simply left out: what to do about it is the caller's business ({@link #addCopies}).
     */
    Map<String, List<Replica>> sync(Collection<ChunkRef> chunks) throws IOException;

    /**
     * Gives each chunk more durable copies, up to the cluster's replication: the bytes come from
     * {@code local} when this process still has them, otherwise from a replica they are durable on
     * (verified against the chunk's CRC32C), and go to new targets the master picks, stored synced.
     * Returns each chunk with the replicas it is now durable on, in order. Fails (EIO) when a chunk
     * ends with fewer durable copies than the cluster's minimum.
     */
    List<ChunkRef> addCopies(long inode, List<Durable> chunks, LocalCopies local) throws IOException;

    /** Records stored chunks in the file's chunk list and sets its size ({@code size < 0}: grow to cover them). */
    Attr commit(Requests.Commit commit) throws IOException;

    /** A page of the file's chunk list from index {@code from}, at most {@code limit} chunks. */
    FileLayout layout(long inode, long from, int limit) throws IOException;

    /** Fetches a whole chunk, verified, from the first replica that has it right. */
    byte[] fetch(ChunkRef chunk) throws IOException;

    /**
     * Fetches {@code [first, first + length)} of a chunk, in whole 64 KiB blocks
     * ({@link io.cairn.common.checksum.BlockSums#aligned}), each block verified: what a random read
     * needs. One that keeps no datanodes (a test's) cuts the range from the whole chunk.
     */
    default byte[] fetchRange(ChunkRef chunk, long first, int length) throws IOException {
        return java.util.Arrays.copyOfRange(fetch(chunk), (int) first, (int) first + length);
    }

    /** Truncates or extends the file to {@code size} (in metadata only). */
    Attr setSize(long inode, long size) throws IOException;

    /**
     * Renews the writer's leases on chunks it allocated and has not committed yet; says how long they
     * last now and which are lost (a lost chunk may be deleted, and its commit is refused). A cluster
     * whose allocations need no renewal (in memory, for tests) renews nothing and loses nothing.
     */
    default Replies.Renewed renew(Collection<String> chunkIds) throws IOException {
        return new Replies.Renewed(0, List.of());
    }

    /**
     * What keeps the leases of files written through this service alive in the background (renewals
     * and timely commits, see {@link FileChunks}), or null when nothing does.
     */
    default LeaseKeeper leaseKeeper() {
        return null;
    }

    /** How long each of these steps may take, and so how long a caller waits for one. */
    Deadlines deadlines();

    /** A chunk and the replicas it is durable on. */
    record Durable(ChunkRef chunk, List<Replica> on) {
        public Durable {
            on = List.copyOf(on);
        }
    }

    /** The bytes of chunks this process still holds (a write's buffer, a read cache). */
    @FunctionalInterface
    interface LocalCopies {
        LocalCopies NONE = chunk -> null;

        /** At least {@code chunk.size()} bytes whose first {@code chunk.size()} are the chunk, or null when not here. */
        byte[] bytes(ChunkRef chunk);
    }
}
