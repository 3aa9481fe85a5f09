package io.cairn.common.wire;

import java.util.List;

/** Request bodies of the master's API, one record per operation. */
public final class Requests {
    private Requests() {
    }

    public record Mkdir(String path, Integer mode, Integer uid, Integer gid, boolean parents) {
    }

    /** Create a file or a special file (fifo, socket, device). {@code exclusive}: fail if it exists. */
    /**
     * {@code allocate}: the writer wants the new regular file's first chunk placed too; the answer is
     * then {@link Replies.Created} (the attributes and an {@link Allocation} leased to the file, or
     * none when no datanode can take one), which saves the writer its first allocate call.
     */
    public record Create(String path, FileType type, Integer mode, Integer uid, Integer gid, Long rdev,
                         boolean exclusive, Boolean allocate) {
        public Create(String path, FileType type, Integer mode, Integer uid, Integer gid, Long rdev, boolean exclusive) {
            this(path, type, mode, uid, gid, rdev, exclusive, null);
        }
    }

    public record Symlink(String path, String target, Integer uid, Integer gid) {
    }

    /** Hard link: make {@code path} a new name of the inode at {@code existing}. */
    public record Link(String existing, String path) {
    }

    /**
     * Remove the name {@code path}. {@code keepFor} (unlink only): the session of a mount that has
     * the file open; when this is its last name, the master keeps the file until that mount
     * {@linkplain Release releases} it or its session ends.
     */
    public record Remove(String path, String keepFor) {
        public Remove(String path) {
            this(path, null);
        }
    }

    /** Rename {@code from} to {@code to}; {@code noReplace}: fail if {@code to} exists. */
    public record Rename(String from, String to, boolean noReplace) {
    }

    /** The mount of {@code session} closed {@code inode}, which the master kept for it after its last name went. */
    public record Release(String session, long inode) {
    }

    /**
     * Change attributes of the inode at {@code path} (or of {@code inode} when path is null); null
     * fields are left alone. A time set to {@link #NOW} takes the master's clock.
     */
    public record SetAttr(String path, Long inode, Integer mode, Integer uid, Integer gid, Long size,
                          Long atimeNs, Long mtimeNs) {
        public static final long NOW = Long.MIN_VALUE;
    }

    /**
     * Set extended attribute {@code name} of the inode at {@code path} to {@code value} (base64 in
     * JSON). {@code flags}: {@link #CREATE} fails with EEXIST when it exists, {@link #REPLACE} with
     * ENODATA when it does not, 0 either way.
     */
    public record SetXattr(String path, String name, byte[] value, int flags) {
        public static final int CREATE = 1;
        public static final int REPLACE = 2;
    }

    /** Remove extended attribute {@code name} of the inode at {@code path} (ENODATA when it has none). */
    public record RemoveXattr(String path, String name) {
    }

    /**
     * Ask for a new chunk's id and targets, avoiding the listed nodes. With {@code forChunk} (and
     * {@code forIndex}, its index in the file), the targets are wanted for that chunk instead, one
     * of this file's (leased to it, or committed at that index): a replacement for a target that
     * failed, or a new copy; their chunk tokens then open that chunk.
     */
    /**
     * Where new chunks of a file go. {@code many} (1 to {@link #MAX_MANY}, default 1) asks for that
     * many fresh chunk ids in one call, each with its own targets and lease (a writer of many small
     * slices asks once, not once per slice); {@code forChunk} asks for more targets of one chunk.
     */
    public record Allocate(long inode, List<String> exclude, Integer count, String forChunk, Long forIndex,
                           Integer many) {
        public static final int MAX_MANY = 64;

        public Allocate(long inode, List<String> exclude, Integer count) {
            this(inode, exclude, count, null, null, null);
        }

        public Allocate(long inode, List<String> exclude, Integer count, String forChunk, Long forIndex) {
            this(inode, exclude, count, forChunk, forIndex, null);
        }
    }

    /**
     * Record written chunks of a file (replacing those at the same indexes), then set its size;
     * chunks past the new size are dropped. {@code mtimeNs} null means the master's clock.
     */
    public record Commit(long inode, long size, List<CommitChunk> chunks, Long mtimeNs) {
    }

    /**
     * One chunk of a commit. With {@code at} it is a slice: {@code length} bytes of blob {@code id}
     * from its byte {@code off} (default 0) go over the chunk already at {@code index}, at {@code at}
     * (a slice of that blob already committed there at {@code at} only gains the replicas named;
     * several slices of one blob are entries of their own).
     * With {@code folds} it is a compaction: it replaces the chunk and the slices named, which must
     * all be there still with the lengths given (the chunk first), else ESTALE; later slices stay on
     * top of it.
     */
    public record CommitChunk(long index, String id, long size, long length, long crc32c, List<String> replicas,
                              Integer at, List<Fold> folds, Integer off) {
        public CommitChunk(long index, String id, long size, long length, long crc32c, List<String> replicas) {
            this(index, id, size, length, crc32c, replicas, null, null, null);
        }

        public CommitChunk(long index, String id, long size, long length, long crc32c, List<String> replicas,
                           Integer at, List<Fold> folds) {
            this(index, id, size, length, crc32c, replicas, at, folds, null);
        }
    }

    /** A chunk or slice a compaction replaces, with the length it had when it was read. */
    public record Fold(String id, long length) {
    }

    /** Make every change the master committed so far survive a power cut (a barrier); the body is {@code {}}. */
    public record Sync() {
        public static final Sync SYNC = new Sync();
    }

    /** Renew the writer's leases on chunks it allocated and has not committed yet. */
    public record Renew(List<String> chunkIds) {
    }

    /** {@code available}: bytes the datanode can still take (null when it does not say). */
    public record Register(String nodeId, String clusterId, String address, long capacity, long used,
                           long chunks, Long available) {
        public Register(String nodeId, String clusterId, String address, long capacity, long used, long chunks) {
            this(nodeId, clusterId, address, capacity, used, chunks, null);
        }
    }

    /**
     * {@code deleted}: the chunks the master told this node to delete that it has deleted since its
     * last heartbeat the master answered (until the master hears so, a chunk report does not bring
     * such a replica back).
     */
    public record Heartbeat(String nodeId, String clusterId, String address, long capacity, long used,
                            long chunks, Long available, List<String> deleted, Scrub scrub) {
        public Heartbeat(String nodeId, String clusterId, String address, long capacity, long used, long chunks,
                         Long available, List<String> deleted) {
            this(nodeId, clusterId, address, capacity, used, chunks, available, deleted, null);
        }

        public Heartbeat(String nodeId, String clusterId, String address, long capacity, long used, long chunks,
                         Long available) {
            this(nodeId, clusterId, address, capacity, used, chunks, available, null, null);
        }

        public Heartbeat(String nodeId, String clusterId, String address, long capacity, long used, long chunks) {
            this(nodeId, clusterId, address, capacity, used, chunks, null, null, null);
        }
    }

    /**
     * What a datanode's scrubber has done, sent with its heartbeats for the status page: whole passes
     * since start, chunks the pass under way has checked, chunks found bad since start (null from a
     * datanode that sends none).
     */
    public record Scrub(long passes, long passChecked, long badFound) {
    }

    /** Replicas found bad (by a datanode's scrubber, or by a client that read them). */
    public record BadReplicas(String nodeId, List<String> chunkIds) {
    }

    /**
     * Make these chunks (stored earlier without sync) durable on the datanode's disk; {@code tokens}
     * holds, in the same order, a chunk token allowing a write of each.
     */
    public record SyncChunks(List<String> chunkIds, List<String> tokens) {
        public SyncChunks(List<String> chunkIds) {
            this(chunkIds, null);
        }

        @Override
        public String toString() {
            return "SyncChunks[" + (chunkIds == null ? 0 : chunkIds.size()) + " chunk ids]";
        }
    }

    /** Take a datanode out of service: its replicas are copied elsewhere, then dropped. */
    public record Decommission(String node) {
    }

    /**
     * Part of a datanode's report of the chunks it holds.
     *
     * <p>With {@code full}, a part of the full report, which is authoritative for this node: its
     * first part carries no {@code generation} (and, so that nothing stored meanwhile is missed, no
     * ids) and is answered with the generation the later parts carry; {@code last} ends it, and the
     * master then forgets every replica on this node that the report did not list, unless it was
     * added after the report began. A part of an older generation than the node's newest report is
     * refused with ESTALE. Without {@code full}, chunks this node just gained (a copy it made): they
     * are added, nothing is forgotten.
     */
    public record ChunkReport(String nodeId, String clusterId, List<String> chunkIds, boolean last, Boolean full,
                              Long generation) {
        /** Chunks this node just gained (not part of a full report). */
        public ChunkReport(String nodeId, String clusterId, List<String> chunkIds, boolean last) {
            this(nodeId, clusterId, chunkIds, last, null, null);
        }

        public boolean isFull() {
            return Boolean.TRUE.equals(full);
        }
    }

    /**
     * Make a bearer token named {@code name} with {@code scope} (admin, read-write, read-only,
     * metrics); {@code ttlMs} 0 or null: it never ends on its own; {@code subtree}: a directory the
     * (read-write or read-only) token is confined to, whose {@code /} it is; null: the whole namespace;
     * {@code uids}, {@code gids}: ranges of the ids it may give files ({@code 1000-1999,3000}; null:
     * any); {@code squashRoot}: uid and gid 0 become nobody (65534); {@code squashAll}: every uid
     * and gid does.
     */
    public record TokenCreate(String name, String scope, Long ttlMs, String subtree, String uids, String gids,
                              Boolean squashRoot, Boolean squashAll) {
        public TokenCreate(String name, String scope, Long ttlMs) {
            this(name, scope, ttlMs, null, null, null, null, null);
        }

        public TokenCreate(String name, String scope, Long ttlMs, String subtree, String uids, String gids,
                           Boolean squashRoot) {
            this(name, scope, ttlMs, subtree, uids, gids, squashRoot, null);
        }
    }

    /**
     * Make a one-time join token for a datanode; {@code nodeId}: only that node may use it (and it may
     * enroll again, to be given its key once more), else any node that never enrolled.
     */
    public record JoinTokenCreate(String nodeId, Long ttlMs) {
    }

    /** A datanode asks for its key, showing a join token. */
    public record Enroll(String nodeId) {
    }

    /** A mount's session, opened under a name that says which mount it is (host and mount point). */
    public record OpenSession(String name) {
    }

    /** A session to renew or to close. */
    public record SessionRef(String session) {
    }

    /**
     * A lock, an unlock or a test of one, through {@code session}: on {@code inode}, of {@code kind}
     * {@code posix} (fcntl record locks) or {@code flock} (whole file), held by {@code owner} (the
     * kernel's lock owner within that mount), {@code type} {@code read}, {@code write} or
     * {@code unlock}, over bytes {@code start..end} inclusive ({@code Long.MAX_VALUE}: to the end of
     * the file), for the process {@code pid} on the mount's machine. {@code waitMs} (at most 5000) is
     * how long the master may wait for a conflicting lock to go before it answers "not granted".
     */
    public record Lock(String session, long inode, String kind, long owner, String type, long start, long end,
                       int pid, Integer waitMs) {
    }
}
