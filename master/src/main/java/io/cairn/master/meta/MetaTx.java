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

    // ---- directory entries

    Long lookup(long parent, String name) throws IOException;

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

    boolean chunkExists(String chunkId) throws IOException;

    /** Records chunk {@code r.index()} of a file, replacing the one there. */
    void putChunk(ChunkRow r) throws IOException;

    void deleteChunk(long inode, long index) throws IOException;

    long countChunks() throws IOException;

    List<String> replicas(String chunkId) throws IOException;

    void addReplica(String chunkId, String nodeId) throws IOException;

    void deleteReplicas(String chunkId) throws IOException;

    void deleteReplica(String chunkId, String nodeId) throws IOException;

    long countReplicasOn(String nodeId) throws IOException;

    // ---- garbage: dropped chunks waiting for their grace period to pass

    void addGarbage(String chunkId, String nodeId, long sinceNs) throws IOException;

    /** Takes (returns and removes) up to {@code limit} garbage chunks of a node that were dropped before {@code beforeNs}. */
    List<String> takeGarbage(String nodeId, long beforeNs, int limit) throws IOException;

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
}
