package io.cairn.common.client;

import io.cairn.common.checksum.BlockSums;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.Replica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a whole chunk from the first replica that answers with the right bytes, failing over to the
 * next. Replicas that timed out lately ({@link DatanodeClient#avoided}) are asked last, and only
 * now and then ({@link DatanodeClient#mayProbe}), so a slow datanode costs one timeout, not one per
 * chunk or per retry of a read that has no other replica; and a read gives up once it has taken
 * {@link Deadlines#chunkRead} (several replicas' worth of transfers), whatever is left to try.
 * When no replica could be read and one of them refused the chunk token (EAUTH: expired, most
 * likely, in a layout kept a long time), the read fails with EAUTH, so that its caller may ask the
 * master for the layout again ({@link LayoutPages#again}) and retry.
 */
public final class ChunkReader {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkReader.class);
    private final DatanodeClient datanodes;
    private final BadReplicaListener onBad;

    /** Told of a replica whose bytes failed their checksum or that is missing (so the master can replace it). */
    @FunctionalInterface
    public interface BadReplicaListener {
        void bad(Replica replica, ChunkRef chunk);
    }

    public ChunkReader(DatanodeClient datanodes) {
        this(datanodes, (r, c) -> { });
    }

    public ChunkReader(DatanodeClient datanodes, BadReplicaListener onBad) {
        this.datanodes = datanodes;
        this.onBad = onBad;
    }

    /** The whole chunk, verified against its CRC32C. */
    public byte[] read(ChunkRef chunk) throws IOException {
        return read(chunk, chunk.size(), r -> datanodes.get(r, chunk.id(), chunk.size(), chunk.crc32c()));
    }

    /**
     * Bytes {@code [first, first + length)} of the chunk, in whole blocks ({@link BlockSums#aligned}),
     * each block verified against its CRC32C: what a random read needs, without the rest of the chunk.
     */
    public byte[] readRange(ChunkRef chunk, long first, int length) throws IOException {
        return read(chunk, length, r -> datanodes.getRange(r, chunk.id(), chunk.size(), chunk.crc32c(), first, length));
    }

    /** One replica's answer to a read. */
    @FunctionalInterface
    private interface FromReplica {
        byte[] read(Replica r) throws IOException;
    }

    private byte[] read(ChunkRef chunk, long bytes, FromReplica fetch) throws IOException {
        List<String> causes = new ArrayList<>();
        boolean refused = false;
        long deadline = System.nanoTime() + datanodes.deadlines().chunkRead(bytes).toNanos();
        for (Replica r : inOrder(chunk.replicas())) {
            if (System.nanoTime() - deadline > 0) {
                causes.add("no time left for the other replicas");
                break;
            }
            if (datanodes.avoided(r.address()) && !datanodes.mayProbe(r.address())) {
                causes.add(r.address() + ": timed out lately");
                continue; // waited on a moment ago by another read: not again so soon
            }
            try {
                return fetch.read(r);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw e; // the read was called off (its client is closing): not this replica's fault
                }
                if (e instanceof CairnException ce && (ce.code() == ErrorCode.EBADMSG || ce.code() == ErrorCode.ENOENT)) {
                    onBad.bad(r, chunk); // wrong bytes, or the replica is gone: the master replaces it
                }
                refused |= e instanceof CairnException ce && ce.code() == ErrorCode.EAUTH;
                causes.add(r.address() + ": " + e.getMessage());
                LOG.warn("reading chunk {} from {} failed ({}); trying the next replica", chunk.id(), r.address(),
                        e.toString());
            }
        }
        throw new CairnException(refused ? ErrorCode.EAUTH : ErrorCode.EIO, "chunk " + chunk.index() + " (" + chunk.id()
                + ") has no readable replica" + (causes.isEmpty() ? "" : ": " + String.join("; ", causes)));
    }

    /** The replicas with an address, those that timed out lately last (each group in the master's order). */
    private List<Replica> inOrder(List<Replica> replicas) {
        List<Replica> first = new ArrayList<>(replicas.size());
        List<Replica> last = new ArrayList<>();
        for (Replica r : replicas) {
            if (r.address() != null) {
                (datanodes.avoided(r.address()) ? last : first).add(r);
            }
        }
        first.addAll(last);
        return first;
    }
}
