package io.cairn.master.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.SecretFile;
import io.cairn.common.security.VersionedKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster key, in {@code cluster.key} in the master's data directory: made on the first start
 * (mode 0600), refused when others may read it. Every master of a cluster holds the same file (the
 * operator copies it); datanode keys and chunk tokens are made from it, so no master keeps a state
 * of its own that another could not recompute.
 *
 * <p>The key has versions ({@link VersionedKeys}; a file from before versions is version 1).
 * {@link #rotate} adds a newer one and {@link #retire} drops an old one, on the file, while
 * masters run: a running master reads the file again within {@link #RELOAD_MS} of a change. A
 * datanode's key of version v is made from version v of the cluster key; a master gives each
 * datanode that signs with an older version than the newest its newest key, sealed under the old
 * one, on its next call, and mints its chunk tokens under the version it last signed with.
 */
public final class ClusterKey {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterKey.class);
    public static final String FILE = "cluster.key";
    /** How soon a change to the file is seen. */
    static final long RELOAD_MS = 1000;

    private final Path file;
    private volatile TreeMap<Integer, byte[]> keys;
    private volatile Object stamp;
    private volatile long checkedAt;
    /** The key version each datanode last signed a request with, as this master saw it. */
    private final Map<String, Integer> nodeVersions = new ConcurrentHashMap<>();

    private ClusterKey(Path file, TreeMap<Integer, byte[]> keys, Object stamp) {
        this.file = file;
        this.keys = keys;
        this.stamp = stamp;
        this.checkedAt = System.currentTimeMillis();
    }

    /** The key in {@code dataDir}, made there first if there is none. */
    public static ClusterKey openOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (SecretFile.readIfPresent(file) == null) {
            SecretFile.write(file, NodeKeys.toText(NodeKeys.newClusterKey()), false);
            LOG.info("made the cluster key: {} (copy it to every master of this cluster; keep it secret)", file);
        }
        return new ClusterKey(file, read(file), stampOf(file));
    }

    /** The versions of the key in {@code file}, oldest first. */
    private static TreeMap<Integer, byte[]> read(Path file) throws IOException {
        String text = SecretFile.read(file);
        try {
            TreeMap<Integer, byte[]> m = new TreeMap<>();
            for (VersionedKeys.Entry e : VersionedKeys.parse(text)) {
                m.put(e.version(), e.key());
            }
            return m;
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " does not hold a cluster key: " + e.getMessage());
        }
    }

    private static Object stampOf(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
    }

    /** The versions held, read again from the file when it changed (at most once per {@link #RELOAD_MS}). */
    private TreeMap<Integer, byte[]> keys() {
        long now = System.currentTimeMillis();
        if (now - checkedAt >= RELOAD_MS) {
            checkedAt = now;
            try {
                Object s = stampOf(file);
                if (!s.equals(stamp)) {
                    TreeMap<Integer, byte[]> k = read(file);
                    if (!k.keySet().equals(keys.keySet())) {
                        LOG.info("{} changed: cluster key versions {} (was {}); datanodes move to version {}",
                                file, k.keySet(), keys.keySet(), k.lastKey());
                    }
                    keys = k;
                    stamp = s;
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("keeping the cluster key read before: cannot read {} again: {}", file, e.getMessage());
            }
        }
        return keys;
    }

    /** The newest version: the one datanodes are moved to. */
    public int current() {
        return keys().lastKey();
    }

    /** The versions held, oldest first. */
    public List<Integer> versions() {
        return List.copyOf(keys().keySet());
    }

    /** The newest key of datanode {@code nodeId}. */
    public byte[] nodeKey(String nodeId) {
        return nodeKey(nodeId, current());
    }

    /** Version {@code version} of the key of datanode {@code nodeId}, or null when that version is not held. */
    public byte[] nodeKey(String nodeId, int version) {
        byte[] k = keys().get(version);
        return k == null ? null : NodeKeys.nodeKey(k, nodeId);
    }

    /** Records that datanode {@code nodeId} signed with key version {@code version}. */
    void signedWith(String nodeId, int version) {
        nodeVersions.put(nodeId, version);
    }

    /**
     * The version chunk tokens for datanode {@code nodeId} are minted under: the one it last signed
     * with, when still held; else the oldest held (which a datanode not yet moved holds).
     */
    public int mintingVersion(String nodeId) {
        TreeMap<Integer, byte[]> k = keys();
        Integer v = nodeVersions.get(nodeId);
        return v != null && k.containsKey(v) ? v : k.firstKey();
    }

    /** The key version each datanode last signed with, as this master saw it. */
    public Map<String, Integer> nodeVersions() {
        return Map.copyOf(nodeVersions);
    }

    /**
     * Adds a new random version of the key in {@code dataDir}, newer than every one there; the old
     * versions stay until {@link #retire}d.
     *
     * @return the new version
     */
    public static int rotate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (SecretFile.readIfPresent(file) == null) {
            throw new CairnException(ErrorCode.ENOENT, "no " + FILE + " in " + dataDir + " (is it a master's --data?)");
        }
        TreeMap<Integer, byte[]> k = read(file);
        if (k.size() >= VersionedKeys.MOST_ENTRIES) {
            throw new CairnException(ErrorCode.EINVAL, file + " holds " + k.size() + " versions already: retire old ones"
                    + " first");
        }
        int next = k.lastKey() + 1;
        k.put(next, NodeKeys.newClusterKey());
        write(file, k);
        return next;
    }

    /**
     * Drops version {@code version} of the key in {@code dataDir}: datanodes that still sign with it
     * are refused from then on, and chunk tokens under it open nothing. The newest cannot be retired.
     */
    public static void retire(Path dataDir, int version) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (SecretFile.readIfPresent(file) == null) {
            throw new CairnException(ErrorCode.ENOENT, "no " + FILE + " in " + dataDir + " (is it a master's --data?)");
        }
        TreeMap<Integer, byte[]> k = read(file);
        if (!k.containsKey(version)) {
            throw new CairnException(ErrorCode.ENOENT, file + " holds no version " + version + " (it holds " + k.keySet()
                    + ")");
        }
        if (version == k.lastKey()) {
            throw new CairnException(ErrorCode.EINVAL, "version " + version + " is the newest: rotate first, then retire"
                    + " it once every datanode has moved on");
        }
        k.remove(version);
        write(file, k);
    }

    private static void write(Path file, TreeMap<Integer, byte[]> k) throws IOException {
        List<VersionedKeys.Entry> entries = new ArrayList<>();
        k.forEach((v, key) -> entries.add(new VersionedKeys.Entry(v, key, Long.MAX_VALUE)));
        // run as root on a master that runs as its own user: the new file keeps the old one's owner
        PosixFileAttributes before = Files.readAttributes(file, PosixFileAttributes.class);
        SecretFile.write(file, VersionedKeys.format(entries), true);
        PosixFileAttributeView now = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (!now.readAttributes().owner().equals(before.owner()) || !now.readAttributes().group().equals(before.group())) {
            now.setGroup(before.group());
            now.setOwner(before.owner());
        }
    }
}
