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
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Chunk files on local disk. A write streams into tmp/ while its CRC32C is computed, is refused if
 * the checksum differs from the writer's, and is otherwise synced, renamed to chunks/ab/&lt;id&gt; and
 * made durable by syncing the directory: an acknowledged chunk survives a power cut, and a chunk
 * file is never seen half-written. Chunk ids are checked against {@link PathRules#chunkId} before
 * they become a path.
 * <p>
 * Next to each chunk a sidecar {@code chunks/ab/<id>.crc} keeps its size and CRC32C, so that the
 * chunk can be checked later ({@link #verify}) without asking anyone. The sidecar is put in place
 * (and, for a durable write, its directory synced) before the chunk is renamed into place, so a
 * chunk never exists without it; a chunk of an older version that has none is "unknown" and is not
 * checked. Sidecars are not chunks: {@link #ids}, {@link #chunks} and {@link #used} leave them out.
 */
public final class ChunkStore {
    /** The largest chunk stored. */
    public static final long MAX_CHUNK = DatanodeClient.MAX_CHUNK;
    private static final Logger LOG = LoggerFactory.getLogger(ChunkStore.class);
    private static final Pattern PREFIX = Pattern.compile("[0-9a-f]{2}");
    private static final int BUFFER = 64 * 1024;
    private static final int STRIPES = 64;
    /** The name of a chunk's checksum sidecar is the chunk's id and this. */
    static final String SUM_SUFFIX = ".crc";
    private static final Pattern SUM_LINE = Pattern.compile("size=(\\d{1,19}) crc32c=(\\d{1,10})\n?");

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

    /** The checksum sidecar of a chunk at {@code chunk}. */
    private static Path sumOf(Path chunk) {
        return chunk.resolveSibling(chunk.getFileName() + SUM_SUFFIX);
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
        String unique = id + "." + UUID.randomUUID();
        Path part = tmp.resolve(unique + ".part");
        Path sumPart = tmp.resolve(unique + SUM_SUFFIX);
        try {
            size = receive(in, part, length, id, crc32c, durable);
            if (claimed < 0 && !exists) {
                space.claim(size, true);
                claimed = size;
            }
            writeSum(sumPart, new Sum(size, crc32c), durable);
            stored = commit(id, part, sumPart, target, size, crc32c, durable);
            return new Replies.Stored(id, size, crc32c);
        } finally {
            Files.deleteIfExists(part);
            Files.deleteIfExists(sumPart);
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

    /**
     * Moves a checked part file and its checksum sidecar into place, the sidecar first; returns true
     * if it is a new chunk. A chunk stored already with the same bytes gets the sidecar if it has
     * none (it was stored by an older version) or a damaged one.
     */
    private boolean commit(String id, Path part, Path sumPart, Path target, long size, long crc32c, boolean durable)
            throws IOException {
        Path sum = sumOf(target);
        synchronized (lockFor(id)) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.size(target) == size && crcOf(target) == crc32c) {
                    if (!new Sum(size, crc32c).equals(readSum(sum))) {
                        Files.move(sumPart, sum, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        if (durable) {
                            Fsync.directory(target.getParent());
                        }
                    }
                    return false;
                }
                throw new CairnException(ErrorCode.EEXIST, "chunk " + id + " is already stored with other bytes");
            }
            Path dir = target.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Fsync.directory(chunks);
            }
            // An orphan sidecar (a crash between placing a sidecar and its chunk) is simply replaced.
            Files.move(sumPart, sum, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try {
                if (durable) {
                    Fsync.directory(dir); // the sidecar's name is durable before the chunk's
                }
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(sum);
                throw e;
            }
            if (durable) {
                Fsync.directory(dir);
            }
            return true;
        }
    }

    /** Writes a sidecar's content to {@code file} (in tmp/), synced if {@code durable}. */
    private static void writeSum(Path file, Sum sum, boolean durable) throws IOException {
        byte[] line = ("size=" + sum.size() + " crc32c=" + sum.crc32c() + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (durable) {
                ch.force(true);
            }
        }
    }

    /** The size and CRC32C a sidecar holds, or null when there is none or it cannot be read or parsed. */
    private static Sum readSum(Path file) {
        byte[] b;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() > 64) {
                LOG.warn("{} is too large to be a checksum sidecar; ignoring it", file);
                return null;
            }
            ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read it all
            }
            b = buf.array();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("could not read the checksum sidecar {}: {}", file, e.toString());
            return null;
        }
        Matcher m = SUM_LINE.matcher(new String(b, StandardCharsets.US_ASCII));
        if (m.matches()) {
            try {
                long size = Long.parseLong(m.group(1));
                long crc = Long.parseLong(m.group(2));
                if (size <= MAX_CHUNK && crc <= 0xFFFF_FFFFL) {
                    return new Sum(size, crc);
                }
            } catch (NumberFormatException e) {
                // falls through
            }
        }
        LOG.warn("{} does not hold a checksum; the chunk is not checked", file);
        return null;
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

    /** Flushes chunks stored without {@code durable}, their sidecars and their directories to stable storage. */
    public void sync(java.util.List<String> ids) throws IOException {
        java.util.Set<Path> dirs = new java.util.HashSet<>();
        for (String id : ids) {
            Path p = pathOf(id);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new CairnException(ErrorCode.ENOENT, "no chunk " + id + " to sync");
            }
            try (FileChannel ch = FileChannel.open(sumOf(p), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ch.force(true);
            } catch (NoSuchFileException e) {
                // a chunk of an older version: no sidecar
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

    /** An open chunk: its bytes and their number. Closing the stream closes the file. */
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

    /** Deletes a chunk and its checksum sidecar; returns false if the chunk was not stored. */
    public boolean delete(String id) throws IOException {
        Path p = pathOf(id);
        synchronized (lockFor(id)) {
            try {
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
            } finally {
                Files.deleteIfExists(sumOf(p)); // after the chunk: a crash in between leaves an orphan, removed on start
            }
        }
    }

    /** The size and CRC32C recorded when a chunk was stored, or null when unknown (no or unreadable sidecar). */
    public Sum storedSum(String id) throws CairnException {
        return readSum(sumOf(pathOf(id)));
    }

    /**
     * Re-reads a chunk and checks it against the size and CRC32C recorded when it was stored.
     * {@code pacer} is told of every block read, before the next is (the scrubber slows down there).
     * A chunk deleted or replaced by a new store while it was read is {@link Result#GONE}, not bad.
     *
     * @throws InterruptedException when the thread is interrupted (never taken for a bad chunk)
     */
    public Check verify(String id, ReadPacer pacer) throws IOException, InterruptedException {
        Path p = pathOf(id);
        Path sumFile = sumOf(p);
        BasicFileAttributes before;
        FileChannel ch;
        try {
            before = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!before.isRegularFile()) {
                return new Check(Result.UNREADABLE, p + " is not a regular file");
            }
            ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return new Check(Result.GONE, "deleted");
        } catch (ClosedByInterruptException e) {
            throw interrupted(e);
        } catch (IOException e) {
            return new Check(Result.UNREADABLE, "cannot open it: " + e);
        }
        String problem;
        Result result;
        try (ch) {
            Sum want = readSum(sumFile);
            if (want == null) {
                return new Check(Result.UNKNOWN, "no checksum recorded");
            }
            long size = ch.size();
            if (size != want.size()) {
                result = Result.CORRUPT;
                problem = "it has " + size + " bytes, " + want.size() + " were stored";
            } else {
                CRC32C crc = new CRC32C();
                ByteBuffer buf = ByteBuffer.allocate(BUFFER);
                long n = 0;
                int r;
                while ((r = ch.read(buf.clear())) >= 0 && n <= want.size()) {
                    n += r;
                    crc.update(buf.flip());
                    pacer.read(r);
                }
                if (n != want.size()) {
                    result = Result.CORRUPT;
                    problem = "it has " + n + " bytes, " + want.size() + " were stored";
                } else if (crc.getValue() != want.crc32c()) {
                    result = Result.CORRUPT;
                    problem = "its CRC32C is " + crc.getValue() + ", " + want.crc32c() + " was stored";
                } else {
                    return new Check(Result.GOOD, "");
                }
            }
            if (!unchanged(id, p, before, want)) {
                return new Check(Result.GONE, "deleted or replaced while it was checked");
            }
            return new Check(result, problem);
        } catch (ClosedByInterruptException e) {
            throw interrupted(e);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted(e);
            }
            return new Check(Result.UNREADABLE, "cannot read it: " + e);
        }
    }

    /** Whether the chunk file opened (as {@code before}) is still in place, with the sidecar {@code want}. */
    private boolean unchanged(String id, Path p, BasicFileAttributes before, Sum want) throws IOException {
        synchronized (lockFor(id)) {
            BasicFileAttributes now;
            try {
                now = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return false;
            }
            return java.util.Objects.equals(before.fileKey(), now.fileKey())
                    && before.lastModifiedTime().equals(now.lastModifiedTime())
                    && want.equals(readSum(sumOf(p)));
        }
    }

    private static InterruptedException interrupted(IOException cause) {
        Thread.currentThread().interrupt();
        InterruptedException e = new InterruptedException("interrupted while checking a chunk");
        e.initCause(cause);
        return e;
    }

    /** A chunk's size and CRC32C as recorded when it was stored. */
    public record Sum(long size, long crc32c) {
    }

    /** What {@link #verify} found; {@code detail} says what is wrong. */
    public record Check(Result result, String detail) {
    }

    public enum Result {
        /** Size and CRC32C are as stored. */
        GOOD,
        /** Wrong size or wrong CRC32C. */
        CORRUPT,
        /** The chunk could not be opened or read (an I/O error, not a regular file). */
        UNREADABLE,
        /** No checksum was recorded (a chunk of an older version) or the sidecar is unreadable: not checked. */
        UNKNOWN,
        /** Deleted, or deleted and stored again, while it was checked: nothing to say. */
        GONE
    }

    /** Told how many bytes a check has just read; may sleep to keep a rate. */
    @FunctionalInterface
    public interface ReadPacer {
        ReadPacer NONE = bytes -> { };

        void read(long bytes) throws InterruptedException;
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

    /**
     * Counts the chunks and bytes on disk and removes orphan sidecars (left by a crash between placing
     * a sidecar and its chunk, or between deleting them); anything else that is not a chunk file is
     * left alone, with a warning.
     */
    private void scan() throws IOException {
        java.util.List<Path> orphans = new java.util.ArrayList<>();
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
                        if (isSumName(name, prefix) && a.isRegularFile()) {
                            Path chunk = d.resolve(name.substring(0, name.length() - SUM_SUFFIX.length()));
                            if (!Files.exists(chunk, LinkOption.NOFOLLOW_LINKS)) {
                                orphans.add(f);
                            }
                            continue;
                        }
                        if (!PathRules.isChunkId(name) || !name.startsWith(prefix) || !a.isRegularFile()) {
                            LOG.warn("ignoring {}: not a chunk file", f);
                            continue;
                        }
                        space.added(a.size());
                    }
                }
            }
        }
        for (Path f : orphans) {
            Files.deleteIfExists(f);
        }
        if (!orphans.isEmpty()) {
            LOG.info("removed {} checksum sidecar(s) without a chunk", orphans.size());
        }
    }

    private static boolean isSumName(String name, String prefix) {
        return name.endsWith(SUM_SUFFIX) && name.startsWith(prefix)
                && PathRules.isChunkId(name.substring(0, name.length() - SUM_SUFFIX.length()));
    }
}
