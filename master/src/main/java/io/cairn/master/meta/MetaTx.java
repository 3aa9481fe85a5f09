package io.cairn.master.meta;

import io.cairn.common.wire.FileType;

import java.io.IOException;
import java.util.List;

/**
 * The row-level operations of one open transaction of a {@link MetadataStore}. The namespace rules
 * live above it, in {@code io.cairn.master.namespace}. Valid only inside the body it was given to.
 * A failed operation throws an EIO {@link io.cairn.common.error.CairnException} and dooms the
 * transaction: the store rolls it back (and may run the body again) even if the body catches it.
 */
public interface MetaTx {

    // ---- meta key/value

    String meta(String key) throws IOException;

    void setMeta(String key, String value) throws IOException;

    // ---- inodes

    InodeRow inode(long id) throws IOException;

    /** Inserts a new inode (its id is ignored) and returns it with the id it got. */
    InodeRow insertInode(InodeRow n) throws IOException;

    void updateInode(InodeRow n) throws IOException;

    void deleteInode(long id) throws IOException;

    long countInodes(FileType type) throws IOException;

    // ---- extended attributes (deleted with their inode)

    /** The value of an inode's extended attribute, or null when it has none of that name. */
    byte[] xattr(long inode, String name) throws IOException;

    /** The names of an inode's extended attributes, in byte order (bounded by the store's rules). */
    List<String> xattrNames(long inode) throws IOException;

    /** Sets (adds or replaces) an extended attribute. */
    void putXattr(long inode, String name, byte[] value) throws IOException;

    /** Removes an extended attribute; says whether there was one. */
    boolean deleteXattr(long inode, String name) throws IOException;

    // ---- mount sessions and the locks held through them

    /** Opens a session that lives until {@code expiresMs} unless renewed. */
    void insertSession(String id, String name, long startedMs, long expiresMs) throws IOException;

    /** When session {@code id} expires (unix ms), or null when there is no such session. */
    Long sessionExpiry(String id) throws IOException;

    /** Moves a session's expiry to {@code expiresMs}; false when there is no such session. */
    boolean renewSession(String id, long expiresMs) throws IOException;

    /** Ends a session and drops every lock held through it; says how many locks there were. */
    int deleteSession(String id) throws IOException;

    /** Up to {@code limit} sessions that expired before {@code nowMs}. */
    List<String> expiredSessions(long nowMs, int limit) throws IOException;

    /** Gives every session at least until {@code expiresMs} (a master that just started gives mounts time to renew). */
    int extendSessions(long expiresMs) throws IOException;

    /** How many sessions are open. */
    long countSessions() throws IOException;

    /** The locks of {@code kind} held on {@code inode}, by every session, in no particular order. */
    List<LockRow> locks(long inode, int kind) throws IOException;

    /** Drops every lock of {@code kind} that {@code owner} of {@code session} holds on {@code inode}. */
    void deleteLocks(long inode, int kind, String session, long owner) throws IOException;

    void insertLock(LockRow lock) throws IOException;

    /** How many locks are held through {@code session}. */
    long countLocks(String session) throws IOException;

    // ---- files kept for the mount that had them open when their last name went

    /** Keeps {@code inode} (named in {@code parent} until now) for {@code session}. */
    void insertSustained(String session, long inode, long parent) throws IOException;

    /** Stops keeping {@code inode} for {@code session}; says whether it was kept. */
    boolean deleteSustained(String session, long inode) throws IOException;

    /** Whether any session keeps {@code inode}. */
    boolean sustained(long inode) throws IOException;

    /** The directories that held the last name of {@code inode}, for the sessions that keep it (at most {@link #PARENTS_MOST}). */
    List<Long> sustainedParents(long inode) throws IOException;

    /** Up to {@code limit} inodes {@code session} keeps. */
    List<Long> sustainedBy(String session, int limit) throws IOException;

    // ---- directory entries

    Long lookup(long parent, String name) throws IOException;

    /** The most directories {@link #parents} answers (a file has as many as it has hard links). */
    int PARENTS_MOST = 1000;

    /** The directories that hold a name of {@code inode}, at most {@link #PARENTS_MOST}; none for the root. */
    List<Long> parents(long inode) throws IOException;

    /** One name of {@code inode}: the entry with the lowest parent, or null when it has none (the root). */
    Name anyName(long inode) throws IOException;

    /** A directory entry as seen from the inode it names. */
    record Name(long parent, String name) {
    }

    /** The inode of a file that uses {@code chunkId} (as a chunk or a slice's blob), or null when none does. */
    Long inodeOfChunk(String chunkId) throws IOException;

    record Entry(String name, InodeRow inode) {
    }

    /** Up to {@code limit} entries of a directory with names after {@code after}, in name order. */
    List<Entry> list(long parent, String after, int limit) throws IOException;

    boolean hasEntries(long dir) throws IOException;

    /** Adds a name; a name the directory already has is a duplicate key (the store answers EEXIST). */
    void insertEntry(long parent, String name, long inode) throws IOException;

    void deleteEntry(long parent, String name) throws IOException;

    // ---- chunks and replicas

    List<ChunkRow> chunks(long inode, long from, int limit) throws IOException;

    ChunkRow chunk(long inode, long index) throws IOException;

    /** Whether some file uses blob {@code chunkId}, as a chunk or as a slice. */
    boolean chunkExists(String chunkId) throws IOException;

    /** Records chunk {@code r.index()} of a file, replacing the one there. */
    void putChunk(ChunkRow r) throws IOException;

    void deleteChunk(long inode, long index) throws IOException;

    long countChunks() throws IOException;

    /** The sum of every file's size: the bytes the namespace holds, before replication. */
    long fileBytes() throws IOException;

    /** Copies waiting to be deleted from datanodes (garbage rows, handed out or not). */
    long countGarbage() throws IOException;

    /**
     * The first {@code limit} slices over chunks {@code fromIndex..toIndex} (inclusive) of
     * {@code inode}, by index, then oldest first.
     */
    List<SliceRow> slices(long inode, long fromIndex, long toIndex, int limit) throws IOException;

    /** How many slices lie over chunk {@code index} of {@code inode}. */
    int countSlices(long inode, long index) throws IOException;

    /** Records a slice; its seq must be new at its chunk. */
    void insertSlice(SliceRow r) throws IOException;

    /** Sets how many of a slice's bytes the file uses (a truncate shortened it). */
    void setSliceLength(long inode, long index, long seq, long length) throws IOException;

    void deleteSlice(long inode, long index, long seq) throws IOException;

    List<String> replicas(String chunkId) throws IOException;

    /**
     * Records that a node holds a chunk (or confirms it), stamped with the node's current report
     * generation: a full report that began before this survives does not forget it.
     */
    void addReplica(String chunkId, String nodeId) throws IOException;

    void deleteReplicas(String chunkId) throws IOException;

    void deleteReplica(String chunkId, String nodeId) throws IOException;

    long countReplicasOn(String nodeId) throws IOException;

    // ---- garbage: copies to delete, waiting for their grace period to pass, then handed to their
    // datanode, then gone once the datanode confirms

    /** Queues a copy for deletion; a pair already queued or handed out stays as it is. */
    void addGarbage(String chunkId, String nodeId, long sinceNs) throws IOException;

    /** Up to {@code limit} queued (not yet handed out) garbage chunks of a node dropped before {@code beforeNs}. */
    List<String> queuedGarbage(String nodeId, long beforeNs, int limit) throws IOException;

    /** A queued or handed-out deletion of a copy; {@code handedMs} null while it is queued. */
    record Garbage(String chunkId, String nodeId, Long handedMs) {
    }

    /** The deletion of this copy, queued or handed out, or null when none is. */
    Garbage garbage(String chunkId, String nodeId) throws IOException;

    /** Marks a queued deletion as handed to its datanode at {@code handedMs}. */
    void handOutGarbage(String chunkId, String nodeId, long handedMs) throws IOException;

    /** Forgets the deletion of a copy: done (the datanode confirmed it) or cancelled (the copy is wanted). */
    void deleteGarbage(String chunkId, String nodeId) throws IOException;

    /** Queues every deletion handed to a node again (it registered anew: it may not have done them). */
    void requeueGarbage(String nodeId) throws IOException;

    // ---- generations of a node's full chunk reports

    /** Starts a new full report of a node: its generation goes up by one, and is returned. */
    long beginReport(String nodeId) throws IOException;

    /** The generation of a node's newest full report (0 before its first). */
    long reportGeneration(String nodeId) throws IOException;

    /** Forgets a node's replicas last added or confirmed before generation {@code gen}; returns how many. */
    int dropReplicasBefore(String nodeId, long gen) throws IOException;

    // ---- leases on allocated chunks not yet committed

    /** A writer's hold on chunk {@code chunkId} of {@code inode}, until {@code expiresMs}. */
    record Lease(String chunkId, long inode, long expiresMs) {
    }

    /** Grants or extends a lease. */
    void putLease(String chunkId, long inode, long expiresMs) throws IOException;

    /** The lease on a chunk (live or lapsed), or null when there is none. */
    Lease lease(String chunkId) throws IOException;

    void deleteLease(String chunkId) throws IOException;

    /** Forgets up to {@code limit} leases that lapsed before {@code beforeMs}; returns how many. */
    int deleteLeasesBefore(long beforeMs, int limit) throws IOException;

    // ---- answers to recent requests, by request id

    /** The answer given to request {@code requestId} of operation {@code op}. */
    record Answer(String op, String answer) {
    }

    /** The answer recorded for a request id, or null. */
    Answer answer(String requestId) throws IOException;

    void putAnswer(String requestId, String op, String answer, long madeMs) throws IOException;

    /** Forgets up to {@code limit} answers made before {@code beforeMs}; returns how many. */
    int deleteAnswersBefore(long beforeMs, int limit) throws IOException;

    /** The time of the {@code n}-th newest answer (0 = the newest), or null when there are not that many. */
    Long answerTime(int n) throws IOException;

    // ---- orphans: reported chunks no file uses, waiting for the orphan grace period to pass

    /** Records that a node holds a chunk no file uses; a pair already recorded keeps its first sighting. */
    void addOrphan(String chunkId, String nodeId, long firstSeenMs) throws IOException;

    /** Takes (returns and removes) up to {@code limit} orphans of a node first seen at or before {@code seenByMs}, oldest first. */
    List<String> takeOrphans(String nodeId, long seenByMs, int limit) throws IOException;

    // ---- datanodes the cluster has seen

    record NodeRow(String id, String address) {
    }

    List<NodeRow> nodes() throws IOException;

    void upsertNode(String id, String address) throws IOException;

    // ---- repair

    /** A committed chunk with the nodes recorded as holding it (in node id order). */
    record ChunkReplicas(String id, long size, long crc32c, List<String> nodes) {
    }

    /** Up to {@code limit} committed chunks with ids after {@code after}, in id order, with their replicas. */
    List<ChunkReplicas> chunkReplicas(String after, int limit) throws IOException;

    void addBadReplica(String chunkId, String nodeId, long sinceNs) throws IOException;

    List<String> badReplicaChunks() throws IOException;

    List<String> badNodes(String chunkId) throws IOException;

    void clearBadReplicas(String chunkId) throws IOException;

    List<String> decommissioning() throws IOException;

    void setDecommissioning(String nodeId) throws IOException;

    // ---- security

    /**
     * A bearer token as kept: its name, the SHA-256 of the token, its scope, when it was made, when it
     * ends (0: never), who made it, the directory it is confined to (null: the whole namespace), the
     * uids and gids it may give files (ranges; null: any), and whether it squashes root (or every id:
     * kept as 2 in the squash_root column).
     */
    record TokenRow(String name, String hash, String scope, long createdMs, long expiresMs, String madeBy,
                    String subtree, String uids, String gids, boolean squashRoot, boolean squashAll) {
        public TokenRow(String name, String hash, String scope, long createdMs, long expiresMs, String madeBy) {
            this(name, hash, scope, createdMs, expiresMs, madeBy, null, null, null, false, false);
        }

        public TokenRow(String name, String hash, String scope, long createdMs, long expiresMs, String madeBy,
                        String subtree, String uids, String gids, boolean squashRoot) {
            this(name, hash, scope, createdMs, expiresMs, madeBy, subtree, uids, gids, squashRoot, false);
        }
    }

    /** The token whose hash is {@code hash}, or null. */
    TokenRow tokenByHash(String hash) throws IOException;

    /** Every token, by name. */
    List<TokenRow> tokens() throws IOException;

    /** Adds a token; false when one of that name (or hash) is already kept. */
    boolean insertToken(TokenRow t) throws IOException;

    /** Forgets the token named {@code name}; false when there was none. */
    boolean deleteToken(String name) throws IOException;

    /** When datanode {@code nodeId} enrolled (unix ms), or null when it never did. */
    Long enrolledAt(String nodeId) throws IOException;

    /** Records that {@code nodeId} enrolled at {@code ms}; false when it already had. */
    boolean enroll(String nodeId, long ms) throws IOException;

    /** Keeps {@code nonce} of a signed request until {@code expiresMs}; false when it is kept already (a replay). */
    boolean takeNonce(String nonce, long expiresMs) throws IOException;

    /** Forgets at most {@code limit} nonces that expired before {@code ms}; how many. */
    int deleteNoncesBefore(long ms, int limit) throws IOException;

    // ---- cluster events

    /** One thing that happened to the cluster; {@code node} and {@code chunk} may be null. */
    record EventRow(long id, long timeMs, String kind, String node, String chunk, String message) {
    }

    /** Records an event and returns the id it got (ids increase). */
    long addEvent(long timeMs, String kind, String node, String chunk, String message) throws IOException;

    /** Up to {@code limit} events with ids after {@code after}, oldest first. */
    List<EventRow> events(long after, int limit) throws IOException;

    /** The newest {@code limit} events, newest first. */
    List<EventRow> newestEvents(int limit) throws IOException;

    /** Forgets every event with an id up to {@code id}; returns how many. */
    int deleteEventsThrough(long id) throws IOException;
}
