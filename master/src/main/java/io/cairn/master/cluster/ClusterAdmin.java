package io.cairn.master.cluster;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.ClusterStatus;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.NodeInfo;
import io.cairn.common.wire.Replies;
import io.cairn.master.events.Events;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.namespace.Namespace;
import io.cairn.master.repair.Fsck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator asks of the cluster as a whole: its status, the datanodes with their replica
 * counts, taking a datanode out (decommission), a file system check, and a backup of the metadata.
 */
public final class ClusterAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterAdmin.class);

    /**
     * What the status reports about the cluster's settings.
     *
     * @param version the master's Cairn version
     */
    public record Facts(String clusterId, String version, long chunkSize, int replication, int minReplicas) {
    }

    private final MetadataStore store;
    private final NodeRegistry registry;
    private final Namespace namespace;
    private final Fsck fsck;
    private final Facts facts;
    private final Path backupDir;
    private final Events events;

    /**
     * @param backupDir where backups are put together before they are sent (the master's data
     *                  directory: the same disk as the database)
     */
    public ClusterAdmin(MetadataStore store, NodeRegistry registry, Namespace namespace, Fsck fsck, Facts facts,
                        Path backupDir) {
        this(store, registry, namespace, fsck, facts, backupDir, Events.discard());
    }

    /** @param events where the start of a decommission is recorded */
    public ClusterAdmin(MetadataStore store, NodeRegistry registry, Namespace namespace, Fsck fsck, Facts facts,
                        Path backupDir, Events events) {
        this.events = events;
        this.store = store;
        this.registry = registry;
        this.namespace = namespace;
        this.fsck = fsck;
        this.facts = facts;
        this.backupDir = backupDir;
    }

    /** Every datanode with its state and the replicas recorded on it. */
    public List<NodeInfo> nodes() throws IOException {
        Map<String, Long> counts = new HashMap<>();
        store.read(tx -> {
            for (var n : tx.nodes()) {
                counts.put(n.id(), tx.countReplicasOn(n.id()));
            }
            return null;
        });
        return registry.describe(id -> counts.getOrDefault(id, 0L));
    }

    /** Takes a datanode (by id, id prefix or address) out of placement and has its replicas copied elsewhere, then dropped. */
    public NodeInfo decommission(String node) throws IOException {
        String id = registry.resolve(node);
        if (id == null) {
            throw new CairnException(ErrorCode.ENOENT, "no datanode " + node);
        }
        store.write(tx -> {
            tx.setDecommissioning(id);
            return null;
        });
        boolean already = registry.isDraining(id);
        registry.setDraining(id);
        LOG.info("decommissioning datanode {}", id);
        if (!already) {
            events.record(Events.DRAINING, id, null, "datanode " + id + " is being decommissioned: its replicas"
                    + " are copied elsewhere, then dropped");
        }
        return nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    /** The datanodes in a few numbers: live, dead, and of the live ones the bytes they hold and may hold, full, draining. */
    public record Capacity(long capacity, long used, int live, int dead, int full, int draining) {
    }

    /** {@link Capacity} as {@code registry} knows the datanodes now. */
    public static Capacity capacity(NodeRegistry registry) {
        long capacity = 0;
        long used = 0;
        int live = 0;
        int dead = 0;
        int full = 0;
        int draining = 0;
        for (NodeInfo n : registry.describe(id -> 0)) {
            if ("live".equals(n.state())) {
                live++;
                capacity += n.capacity();
                used += n.used();
                full += n.full() ? 1 : 0;
                draining += n.decommissioning() ? 1 : 0;
            } else {
                dead++;
            }
        }
        return new Capacity(capacity, used, live, dead, full, draining);
    }

    /** What datanode {@code id} last said of its scrubber, or null. */
    public io.cairn.common.wire.Requests.Scrub scrubOf(String id) {
        return registry.scrubOf(id);
    }

    public ClusterStatus status() throws IOException {
        Capacity c = capacity(registry);
        long capacity = c.capacity();
        long used = c.used();
        int live = c.live();
        int dead = c.dead();
        long files = store.read(tx -> tx.countInodes(FileType.FILE));
        long inodes = files + store.read(tx -> tx.countInodes(FileType.DIR));
        return new ClusterStatus(facts.clusterId(), facts.version(), facts.chunkSize(), facts.replication(),
                facts.minReplicas(), capacity, used, live, dead, files, inodes);
    }

    /**
     * A path of the file that uses each of {@code chunkIds} (in order; a chunk no file uses any more
     * is left out): for the status page's list of affected files.
     */
    public List<String> pathsOf(List<String> chunkIds) throws IOException {
        return store.read(tx -> {
            List<String> out = new java.util.ArrayList<>();
            java.util.Set<Long> seen = new java.util.HashSet<>();
            for (String id : chunkIds) {
                Long inode = tx.inodeOfChunk(id);
                if (inode != null && seen.add(inode)) {
                    out.add(pathOf(tx, inode));
                }
            }
            return out;
        });
    }

    /** One path of {@code inode}, built from its names upward; "(unlinked)" for a file with no name left. */
    private static String pathOf(io.cairn.master.meta.MetaTx tx, long inode) throws IOException {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        long at = inode;
        for (int depth = 0; at != Namespace.ROOT; depth++) {
            io.cairn.master.meta.MetaTx.Name n = tx.anyName(at);
            if (n == null || depth > 10_000) {
                return parts.isEmpty() ? "(unlinked inode " + inode + ")" : "(unlinked)/" + String.join("/", parts);
            }
            parts.addFirst(n.name());
            at = n.parent();
        }
        return "/" + String.join("/", parts);
    }

    /** Checks every file under {@code path} (null: the root) for missing, corrupt and under-replicated chunks. */
    public Replies.FsckReport fsck(String path) throws IOException {
        String p = PathRules.normalize(path == null ? "/" : path);
        return fsck.check(p, namespace.inodeAt(p));
    }

    /** A consistent copy of the metadata database, made while the master keeps serving; closing it deletes it. */
    public Backup backup() throws IOException {
        Path tmp = Files.createTempFile(backupDir, ".backup-", ".db");
        try {
            store.backup(tmp);
            return new Backup(tmp, Files.size(tmp));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** A backup on disk, to be streamed and then closed. */
    public record Backup(Path file, long size) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            Files.deleteIfExists(file);
        }
    }
}
