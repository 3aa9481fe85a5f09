package io.cairn.datanode.store;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.security.NodeKeyRing;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.VersionedKeys;
import io.cairn.common.security.SecretFile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A datanode's data directory and its identity:
 * <pre>
 *   node-id      this datanode's UUID, created once, kept across restarts
 *   cluster-id   the cluster it joined, written on its first successful registration
 *   node.key     the key it signs requests and checks chunk tokens with, given once when it
 *                enrolled (mode 0600; a looser file is refused)
 *   lock         held while a datanode process uses the directory
 *   chunks/ab/…  chunk files, named by id, under the id's first two hex digits, each with a sidecar
 *                &lt;id&gt;.crc holding its size and CRC32C
 *   tmp/         writes in progress; emptied on start
 * </pre>
 */
public final class DataDir implements AutoCloseable {
    private static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final Path root;
    private final Path chunks;
    private final Path tmp;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final String nodeId;
    private volatile String clusterId;

    private DataDir(Path root, FileChannel lockChannel, FileLock lock) throws IOException {
        this.root = root;
        this.chunks = root.resolve("chunks");
        this.tmp = root.resolve("tmp");
        this.lockChannel = lockChannel;
        this.lock = lock;
        Files.createDirectories(chunks);
        Files.createDirectories(tmp);
        emptyTmp();
        this.nodeId = loadOrCreateNodeId();
        this.clusterId = loadClusterId();
    }

    /**
     * Opens (creating it if needed) a data directory and locks it, so that two datanodes never share
     * one directory, and with it one node id.
     */
    public static DataDir open(Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        FileChannel ch = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("data directory " + root + " is in use by another datanode");
        }
        try {
            return new DataDir(root, ch, lock);
        } catch (IOException | RuntimeException e) {
            lock.release();
            ch.close();
            throw e;
        }
    }

    public Path root() {
        return root;
    }

    Path chunksDir() {
        return chunks;
    }

    Path tmpDir() {
        return tmp;
    }

    /** This datanode's keys once read ({@link #nodeKeys}), and what their file looked like then. */
    private NodeKeyRing keys;
    private Object keysStamp;

    public String nodeId() {
        return nodeId;
    }

    /** The cluster this datanode joined, or null before its first registration. */
    public String clusterId() {
        return clusterId;
    }

    /** Records the cluster this datanode joined; durable before it returns. */
    public synchronized void saveClusterId(String id) throws IOException {
        if (id == null || !CLUSTER_ID.matcher(id).matches()) {
            throw new CairnException(ErrorCode.EINVAL, "bad cluster id: " + id);
        }
        Fsync.writeAtomically(root.resolve("cluster-id"), (id + "\n").getBytes(StandardCharsets.UTF_8), tmp);
        clusterId = id;
    }

    /** The file that holds this datanode's key. */
    public Path nodeKeyFile() {
        return root.resolve("node.key");
    }

    /**
     * This datanode's keys ({@link NodeKeyRing}: the one it signs with, and the one before for a
     * while after a change), or null before it has enrolled: read again when the file changed
     * (one stat per call), so a key taken by the ring, or written by anyone, is seen at once.
     *
     * @throws CairnException EACCES when others may read the key file
     */
    public synchronized NodeKeyRing nodeKeys() throws IOException {
        Object stamp;
        try {
            BasicFileAttributes a = Files.readAttributes(nodeKeyFile(), BasicFileAttributes.class);
            stamp = List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
        } catch (NoSuchFileException e) {
            return null;
        }
        if (keys != null && stamp.equals(keysStamp)) {
            return keys;
        }
        String text = SecretFile.readIfPresent(nodeKeyFile());
        if (text == null) {
            return null;
        }
        try {
            keys = NodeKeyRing.parse(text, line -> SecretFile.write(nodeKeyFile(), line, true), Clock.systemUTC());
            keysStamp = stamp;
        } catch (IllegalArgumentException e) {
            throw new IOException(nodeKeyFile() + " does not hold a node key");
        }
        return keys;
    }

    /** The key this datanode signs with, or null before it has enrolled. */
    public byte[] nodeKey() throws IOException {
        NodeKeyRing k = nodeKeys();
        return k == null ? null : k.current();
    }

    /** Keeps the key this datanode was given when it enrolled (mode 0600, durable before it returns). */
    public synchronized void saveNodeKey(byte[] key) throws IOException {
        saveNodeKey(1, key);
    }

    /** Keeps {@code key}, of {@code version}, given when this datanode enrolled, in place of any before it. */
    public synchronized void saveNodeKey(int version, byte[] key) throws IOException {
        SecretFile.write(nodeKeyFile(), version == 1 ? NodeKeys.toText(key)
                : VersionedKeys.format(java.util.List.of(new VersionedKeys.Entry(version, key, Long.MAX_VALUE))), true);
        keys = null;
    }

    private String loadOrCreateNodeId() throws IOException {
        Path file = root.resolve("node-id");
        String id = readSmall(file);
        if (id == null) {
            id = UUID.randomUUID().toString();
            Fsync.writeAtomically(file, (id + "\n").getBytes(StandardCharsets.UTF_8), tmp);
            return id;
        }
        if (!isNodeId(id)) {
            throw new IOException(file + " does not hold a node id (a UUID): '" + id + "'");
        }
        return id;
    }

    private static boolean isNodeId(String id) {
        try {
            PathRules.nodeId(id);
            return true;
        } catch (CairnException e) {
            return false;
        }
    }

    private String loadClusterId() throws IOException {
        Path file = root.resolve("cluster-id");
        String id = readSmall(file);
        if (id != null && !CLUSTER_ID.matcher(id).matches()) {
            throw new IOException(file + " does not hold a cluster id: '" + id + "'");
        }
        return id;
    }

    /** The trimmed content of a small text file, or null when it does not exist. */
    private static String readSmall(Path file) throws IOException {
        try {
            if (Files.size(file) > 4096) {
                throw new IOException(file + " is too large to be an identity file");
            }
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Removes what interrupted writes left behind; nothing in tmp/ was ever acknowledged. */
    private void emptyTmp() throws IOException {
        Files.walkFileTree(tmp, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                if (!dir.equals(tmp)) {
                    Files.deleteIfExists(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
