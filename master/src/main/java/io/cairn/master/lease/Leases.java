package io.cairn.master.lease;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.meta.MetaTx;
import io.cairn.master.meta.MetadataStore;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A writer's hold on the chunks it allocated, from the allocation until the commit. A chunk that a
 * datanode reports and no file uses is collected as an orphan only when no live lease holds it; a
 * commit must name chunks that are leased to its file (or already committed at that index). The
 * transaction that orders an uncommitted chunk deleted also drops its lease, so a lease that still
 * exists, even lapsed, guarantees that the chunk was not ordered deleted: renewing it is safe.
 *
 * <p>Every method that takes a {@link MetaTx} runs inside its caller's transaction and changes
 * nothing outside it.
 */
public final class Leases {
    /** Most chunk ids one renewal may name. */
    static final int MAX_RENEW = 10_000;
    private static final int SWEEP_BATCH = 10_000;

    private final MetadataStore store;
    private final Clock clock;
    private final Duration length;

    /** @param length how long a lease lasts from its grant or last renewal ({@code --chunk-lease}) */
    public Leases(MetadataStore store, Clock clock, Duration length) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a chunk lease must be positive, not " + length);
        }
        this.store = store;
        this.clock = clock;
        this.length = length;
    }

    public long lengthMs() {
        return length.toMillis();
    }

    /** Grants a fresh lease on a newly allocated chunk of {@code inode}. */
    public void grant(MetaTx tx, String chunkId, long inode) throws IOException {
        tx.putLease(chunkId, inode, clock.millis() + length.toMillis());
    }

    /** Whether a live (not lapsed) lease holds the chunk. */
    public boolean held(MetaTx tx, String chunkId) throws IOException {
        MetaTx.Lease l = tx.lease(chunkId);
        return l != null && l.expiresMs() > clock.millis();
    }

    /**
     * Refuses (ESTALE) a commit of {@code chunkId} at {@code index} of {@code inode} unless the chunk
     * is leased to that file or is already committed there ({@code committedId}: the chunk id now at
     * that index, or null): a chunk whose lease ended may have been deleted as an orphan.
     */
    public void checkCommit(MetaTx tx, long inode, long index, String chunkId, String committedId) throws IOException {
        if (chunkId.equals(committedId)) {
            return; // committed again, e.g. with a replica added
        }
        MetaTx.Lease l = tx.lease(chunkId);
        if (l == null || l.inode() != inode) {
            throw new CairnException(ErrorCode.ESTALE, "chunk " + chunkId + " (index " + index + " of inode " + inode
                    + ") is no longer held by its writer: its lease ended and it may have been deleted");
        }
    }

    /** The chunk is committed (or ordered deleted): its lease has done its work. */
    public void release(MetaTx tx, String chunkId) throws IOException {
        tx.deleteLease(chunkId);
    }

    /**
     * Renews the leases on {@code r.chunkIds()}; the ids with no lease (and not committed) are lost,
     * as are those of a file that no longer exists.
     */
    public Replies.Renewed renew(Requests.Renew r) throws IOException {
        List<String> ids = r.chunkIds() == null ? List.of() : r.chunkIds();
        if (ids.size() > MAX_RENEW) {
            throw new CairnException(ErrorCode.EINVAL, "at most " + MAX_RENEW + " chunk ids per renewal");
        }
        for (String id : ids) {
            PathRules.chunkId(id);
        }
        long until = clock.millis() + length.toMillis();
        List<String> lost = store.write(tx -> {
            List<String> out = new ArrayList<>();
            for (String id : ids) {
                MetaTx.Lease l = tx.lease(id);
                if (l == null) {
                    if (!tx.chunkExists(id)) {
                        out.add(id);
                    }
                } else if (tx.inode(l.inode()) == null) {
                    tx.deleteLease(id); // its file is gone: the chunk goes as an orphan
                    out.add(id);
                } else {
                    tx.putLease(id, l.inode(), until);
                }
            }
            return out;
        });
        return new Replies.Renewed(length.toMillis(), lost);
    }

    /**
     * Forgets leases that lapsed a whole lease length ago (their writers are gone; a chunk they
     * stored is an orphan like any other). Returns how many.
     */
    public int sweep() throws IOException {
        long before = clock.millis() - length.toMillis();
        int total = 0;
        while (true) {
            int n = store.write(tx -> tx.deleteLeasesBefore(before, SWEEP_BATCH));
            total += n;
            if (n < SWEEP_BATCH) {
                return total;
            }
        }
    }
}
