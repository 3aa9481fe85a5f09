package io.cairn.datanode.store;

import io.cairn.common.client.DatanodeClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Replies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Chunk files on local disk. A write streams into tmp/ while its CRC32C is computed, is refused if
 * the checksum differs from the writer's, and is otherwise synced, renamed to chunks/ab/&lt;id&gt; and
 * made durable by syncing the directory: an acknowledged chunk survives a power cut, and a chunk
 * file is never seen half-written. Chunk ids are checked against {@link PathRules#chunkId} before
 * they become a path.
 */
public final class ChunkStore {
    /** The largest chunk stored. */
    public static final long MAX_CHUNK = DatanodeClient.MAX_CHUNK;
    private static final Logger LOG = LoggerFactory.getLogger(ChunkStore.class);
    private static final Pattern PREFIX = Pattern.compile("[0-9a-f]{2}");
    private static final int BUFFER = 64 * 1024;
    private static final int STRIPES = 64;

    private final Path chunks;
    private final Path tmp;
    private final Space space;
    /** Writes and deletes of one id are serialized; different ids mostly go in parallel. */
    private final Object[] locks = new Object[STRIPES];

    private ChunkStore(DataDir dir, Space space) {
        this.chunks = dir.chunksDir();
        this.tmp = dir.tmpDir();
        this.space = space;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Opens the chunk store of a data directory and counts what it holds.
     *
     * @param capacity most bytes of chunks to hold; 0 means the size of the disk
     * @param reserve  bytes to keep free on the disk
     */
    public static ChunkStore open(DataDir dir, long capacity, long reserve) throws IOException {
        ChunkStore store = new ChunkStore(dir, new Space(Files.getFileStore(dir.chunksDir()), capacity, reserve));
        store.scan();
        return store;
    }

    public long capacity() {
        return space.capacity();
    }

    /** Sum of the sizes of the chunks stored. */
    public long used() {
        return space.used();
    }

    /** Number of chunks stored. */
    public long chunks() {
        return space.chunks();
    }

    /** Bytes that can still be stored. */
    public long available() {
        return space.available();
    }

    private Path pathOf(String id) throws CairnException {
        PathRules.chunkId(id);
        return chunks.resolve(id.substring(0, 2)).resolve(id);
    }

    private Object lockFor(String id) {
        return locks[Math.floorMod(id.hashCode(), STRIPES)];
    }

    /**
     * Stores chunk {@code id} from {@code in}, which must yield exactly {@code length} bytes (-1: not
     * known in advance) whose CRC32C is {@code crc32c}. Storing a chunk again with the same bytes
     * succeeds and changes nothing.
     *
     * @throws CairnException EINVAL (bad id or length), EFBIG (over {@link #MAX_CHUNK}), ENOSPC,
     *                        EBADMSG (checksum mismatch: nothing is kept), EEXIST (the id holds other bytes)
     */
    public Replies.Stored put(String id, InputStream in, long length, long crc32c) throws IOException {
        return put(id, in, length, crc32c, true);
    }

    /**
     * Stores a chunk; with {@code durable} false the bytes are checked and renamed into place but not
     * fsynced (they survive any process crash, not a power cut) until {@link #sync} is called.
     */
    public Replies.Stored put(String id, InputStream in, long length, long crc32c, boolean durable) throws IOException {
        Path target = pathOf(id);
        if (length > MAX_CHUNK) {
            throw new CairnException(ErrorCode.EFBIG, "chunk of " + length + " bytes is larger than the "
                    + MAX_CHUNK + " allowed");
        }
        // A chunk stored already (a writer retrying after a lost reply) takes no new space, even on a full node.
        boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        long claimed = -1;
        long size = -1;
        boolean stored = false;
        if (length >= 0 && !exists) {
            space.claim(length, false);
            claimed = length;
        }
        Path part = tmp.resolve(id + "." + UUID.randomUUID() + ".part");
        try {
            size = receive(in, part, length, id, crc32c, durable);
            if (claimed < 0 && !exists) {
                space.claim(size, true);
                claimed = size;
            }
            stored = commit(id, part, target, size, crc32c, durable);
            return new Replies.Stored(id, size, crc32c);
        } finally {
            Files.deleteIfExists(part);
            if (claimed >= 0) {
                space.release(claimed, stored);
            } else if (stored) {
                space.added(size); // it was deleted while we received it
            }
        }
    }

    /** Streams the bytes into {@code part}, checks length and checksum, syncs; returns the size. */
    private long receive(InputStream in, Path part, long length, String id, long crc32c, boolean durable)
            throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[BUFFER];
        long n = 0;
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int r;
            while ((r = in.read(buf)) >= 0) {
                n += r;
                if (n > MAX_CHUNK) {
                    throw new CairnException(ErrorCode.EFBIG, "chunk " + id + " is larger than the "
                            + MAX_CHUNK + " bytes allowed");
                }
                if (length >= 0 && n > length) {
                    throw new CairnException(ErrorCode.EINVAL, "chunk " + id + " has more than the "
                            + length + " bytes declared");
                }
                crc.update(buf, 0, r);
                write(ch, buf, r);
            }
            if (length >= 0 && n != length) {
                throw new CairnException(ErrorCode.EINVAL, "chunk " + id + " has " + n + " bytes, "
                        + length + " declared");
            }
            if (crc.getValue() != crc32c) {
                throw new CairnException(ErrorCode.EBADMSG, "chunk " + id + " has CRC32C " + crc.getValue()
                        + ", the writer sent " + crc32c + ": the bytes were damaged on the way");
            }
            if (durable) {
                ch.force(true);
            }
        }
        return n;
    }

    private void write(FileChannel ch, byte[] buf, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
        try {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException e) {
            if (Files.getFileStore(tmp).getUsableSpace() < BUFFER) {
                throw new CairnException(ErrorCode.ENOSPC, "the disk is full", e);
            }
            throw e;
        }
    }

    /** Moves a checked part file into place; returns true if it is a new chunk. */
    private boolean commit(String id, Path part, Path target, long size, long crc32c, boolean durable)
            throws IOException {
        synchronized (lockFor(id)) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.size(target) == size && crcOf(target) == crc32c) {
                    return false;
                }
                throw new CairnException(ErrorCode.EEXIST, "chunk " + id + " is already stored with other bytes");
            }
            Path dir = target.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Fsync.directory(chunks);
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            if (durable) {
                Fsync.directory(dir);
            }
            return true;
        }
    }

    private static long crcOf(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            int r;
            while ((r = in.read(buf)) >= 0) {
                crc.update(buf, 0, r);
            }
        }
        return crc.getValue();
    }

    /** An open chunk: its bytes and their number. Closing the stream closes the file. */
    /** Flushes chunks stored without {@code durable} (and their directories) to stable storage. */
    public void sync(java.util.List<String> ids) throws IOException {
        java.util.Set<Path> dirs = new java.util.HashSet<>();
        for (String id : ids) {
            Path p = pathOf(id);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new CairnException(ErrorCode.ENOENT, "no chunk " + id + " to sync");
            }
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            dirs.add(p.getParent());
        }
        for (Path d : dirs) {
            Fsync.directory(d);
        }
    }

    public record Chunk(InputStream in, long size) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * Opens a chunk for reading. The open file stays readable even if the chunk is deleted meanwhile.
     *
     * @throws CairnException ENOENT when it is not stored, EINVAL for a bad id
     */
    public Chunk open(String id) throws IOException {
        Path p = pathOf(id);
        FileChannel ch;
        try {
            if (!Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
                LOG.warn("{} is not a regular file", p);
                throw new NoSuchFileException(p.toString());
            }
            ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new CairnException(ErrorCode.ENOENT, "no chunk " + id + " here");
        }
        try {
            return new Chunk(Channels.newInputStream(ch), ch.size());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public boolean contains(String id) throws CairnException {
        return Files.isRegularFile(pathOf(id), LinkOption.NOFOLLOW_LINKS);
    }

    /** Deletes a chunk; returns false if it was not stored. */
    public boolean delete(String id) throws IOException {
        Path p = pathOf(id);
        synchronized (lockFor(id)) {
            long size;
            try {
                size = Files.size(p);
            } catch (NoSuchFileException e) {
                return false;
            }
            if (!Files.deleteIfExists(p)) {
                return false;
            }
            space.removed(size);
            return true;
        }
    }

    /** Every stored chunk id, read from the directory as the stream goes; close the stream. */
    public Stream<String> ids() throws IOException {
        return Files.list(chunks)
                .filter(d -> PREFIX.matcher(d.getFileName().toString()).matches() && Files.isDirectory(d))
                .flatMap(d -> {
                    try {
                        return Files.list(d).map(f -> f.getFileName().toString())
                                .filter(name -> PathRules.isChunkId(name) && name.startsWith(d.getFileName().toString()));
                    } catch (NoSuchFileException e) {
                        return Stream.empty();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** Counts the chunks and bytes on disk; anything that is not a chunk file is left alone, with a warning. */
    private void scan() throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(chunks)) {
            for (Path d : dirs) {
                String prefix = d.getFileName().toString();
                if (!PREFIX.matcher(prefix).matches() || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    LOG.warn("ignoring {}: not a chunk directory", d);
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
                    for (Path f : files) {
                        String name = f.getFileName().toString();
                        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                        if (!PathRules.isChunkId(name) || !name.startsWith(prefix) || !a.isRegularFile()) {
                            LOG.warn("ignoring {}: not a chunk file", f);
                            continue;
                        }
                        space.added(a.size());
                    }
                }
            }
        }
    }
}
