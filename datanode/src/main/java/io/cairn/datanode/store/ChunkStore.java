package io.cairn.datanode.store;

import io.cairn.common.checksum.BlockSums;
import io.cairn.common.checksum.Crc32c;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Limits;
import io.cairn.common.wire.Replies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Chunk files on local disk. A write streams into tmp/ while its CRC32C is computed, is refused if
 * the checksum differs from the writer's ({@link PartFile}), and is otherwise synced, renamed to
 * chunks/ab/&lt;id&gt; and made durable by syncing the directory: an acknowledged chunk survives a
 * power cut, and a chunk file is never seen half-written. Chunk ids are checked against
 * {@link PathRules#chunkId} before they become a path.
 * <p>
 * Next to each chunk a {@link Sidecar} keeps its size and CRC32C, so that the chunk can be checked
 * later ({@link #verify}, done by {@link ChunkVerifier}) without asking anyone. The sidecar is put in
 * place (and, for a durable write, its directory synced) before the chunk is renamed into place, so
 * a chunk never exists without it; a chunk of an older version that has none is "unknown" and is
 * not checked. Sidecars are not chunks: the {@link Inventory} behind {@link #ids}, {@link #chunks}
 * and {@link #used} leaves them out.
 */
public final class ChunkStore {
    /** The largest chunk stored ({@link Limits#MAX_CHUNK}). */
    public static final long MAX_CHUNK = Limits.MAX_CHUNK;
    private static final Logger LOG = LoggerFactory.getLogger(ChunkStore.class);

    private final ChunkPaths paths;
    private final Path tmp;
    private final Space space;
    private final StripedLocks locks = new StripedLocks();
    private final Inventory inventory;
    private final ChunkVerifier verifier;
    /** Names the files of writes under way in tmp/ (emptied on start; the directory lock keeps other processes out). */
    private final AtomicLong serial = new AtomicLong();
    /** The chunk directories known to exist (at most 256): a put does not look for its directory again. */
    private final Set<Path> knownDirs = ConcurrentHashMap.newKeySet();
    private volatile DataMetrics metrics = DataMetrics.unregistered();

    private ChunkStore(DataDir dir, Space space) {
        this.paths = new ChunkPaths(dir.chunksDir());
        this.tmp = dir.tmpDir();
        this.space = space;
        this.inventory = new Inventory(paths);
        this.verifier = new ChunkVerifier(paths, locks);
    }

    /**
     * Opens the chunk store of a data directory and counts what it holds.
     *
     * @param capacity most bytes of chunks to hold; 0 means the size of the disk
     * @param reserve  bytes to keep free on the disk
     */
    public static ChunkStore open(DataDir dir, long capacity, long reserve) throws IOException {
        ChunkStore store = new ChunkStore(dir, new Space(Files.getFileStore(dir.chunksDir()), capacity, reserve));
        store.inventory.scan(store.space);
        return store;
    }

    /** Where the routes and the copier count what they do with this store's chunks. */
    public DataMetrics metrics() {
        return metrics;
    }

    /** Counts into {@code m} from now on (the datanode's registry), and shows the disk's use there. */
    public void useMetrics(DataMetrics m) {
        this.metrics = m;
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

    /** Bytes kept free on the disk ({@code --reserve}). */
    public long reserve() {
        return space.reserve();
    }

    /** Bytes promised to writes under way. */
    public long inFlight() {
        return space.inflight();
    }

    /** Bytes that can still be stored. */
    public long available() {
        return space.available();
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
        Path target = paths.of(id);
        if (length > MAX_CHUNK) {
            throw new CairnException(ErrorCode.EFBIG, "chunk of " + length + " bytes is larger than the "
                    + MAX_CHUNK + " allowed");
        }
        // A chunk stored already (a writer retrying after a lost reply) takes no new space, even on a full node.
        boolean exists = present(target);
        long claimed = -1;
        ChunkSum sum = null;
        boolean stored = false;
        if (length >= 0 && !exists) {
            space.claim(length, false);
            claimed = length;
        }
        String unique = id + "." + serial.incrementAndGet();
        Path part = tmp.resolve(unique + ".part");
        Path sumPart = tmp.resolve(unique + Sidecar.SUFFIX);
        boolean placed = false; // both files were renamed into place: nothing is left in tmp/
        try {
            sum = PartFile.receive(in, part, length, id, crc32c, durable);
            if (claimed < 0 && !exists) {
                space.claim(sum.size(), true);
                claimed = sum.size();
            }
            Sidecar.write(sumPart, sum, durable);
            stored = commit(id, part, sumPart, target, sum, durable);
            placed = stored;
            return new Replies.Stored(id, sum.size(), crc32c);
        } finally {
            if (!placed) {
                Files.deleteIfExists(part);
                Files.deleteIfExists(sumPart);
            }
            if (claimed >= 0) {
                space.release(claimed, stored);
            } else if (stored) {
                space.added(sum.size()); // it was deleted while we received it
            }
        }
    }

    /**
     * Moves a checked part file and its checksum sidecar into place, the sidecar first; returns true
     * if it is a new chunk. A chunk stored already with the same bytes gets the sidecar if it has
     * none (it was stored by an older version), a damaged one or one of version 1 (without block sums).
     */
    private boolean commit(String id, Path part, Path sumPart, Path target, ChunkSum received, boolean durable)
            throws IOException {
        Path sum = Sidecar.of(target);
        synchronized (locks.of(id)) {
            if (present(target)) {
                if (Files.size(target) == received.size() && crcOf(target) == received.crc32c()) {
                    if (!received.equals(Sidecar.sumIn(sum))) { // none, damaged, or of version 1
                        Files.move(sumPart, sum, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    }
                    if (durable) {
                        // It may have been stored without sync: this answer promises it is on disk.
                        syncFiles(target);
                        Fsync.directory(target.getParent());
                    }
                    return false;
                }
                throw new CairnException(ErrorCode.EEXIST, "chunk " + id + " is already stored with other bytes");
            }
            Path dir = target.getParent();
            if (!knownDirs.contains(dir)) {
                makeDirectory(dir);
            }
            // The sidecar is renamed first, so that a chunk is never in place without it (an orphan
            // sidecar, left by a crash between the two renames, is simply replaced, or removed on start).
            // One directory sync after both makes both names durable: the bytes of both files were
            // synced before either rename, so no crash leaves a torn chunk under its name (see the README).
            try {
                Files.move(sumPart, sum, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (NoSuchFileException e) {
                knownDirs.remove(dir); // removed behind the store's back: made again
                makeDirectory(dir);
                Files.move(sumPart, sum, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
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

    /** Makes a chunk directory if it is missing, durably (its name is synced in chunks/), and remembers it. */
    private void makeDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Fsync.directory(paths.root());
        }
        knownDirs.add(dir);
    }

    /**
     * Whether a name is taken in chunks/, found without an exception for an absent one (every put of
     * a new chunk asks twice; {@code Files.exists} builds and throws one each time). A dangling link
     * counts as absent: the rename of a new chunk replaces the link itself, never what it names.
     */
    private static boolean present(Path file) {
        return file.toFile().exists();
    }

    private static long crcOf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Crc32c.of(in);
        }
    }

    /** Flushes chunks stored without {@code durable}, their sidecars and their directories to stable storage. */
    public void sync(List<String> ids) throws IOException {
        Set<Path> dirs = new HashSet<>();
        for (String id : ids) {
            Path p = paths.of(id);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new CairnException(ErrorCode.ENOENT, "no chunk " + id + " to sync");
            }
            syncFiles(p);
            dirs.add(p.getParent());
        }
        for (Path d : dirs) {
            Fsync.directory(d);
        }
    }

    /** Syncs a stored chunk's sidecar (when it has one) and its bytes; their names are the directory's to sync. */
    private static void syncFiles(Path chunk) throws IOException {
        try (FileChannel ch = FileChannel.open(Sidecar.of(chunk), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            // a chunk of an older version: no sidecar
        }
        try (FileChannel ch = FileChannel.open(chunk, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** An open chunk: its bytes and their number. Closing the stream closes the file. */
    public record Chunk(InputStream in, long size) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A stored chunk's file, open for reading, with the attributes it had when opened. */
    private record Stored(Path path, BasicFileAttributes attrs, FileChannel channel) {
    }

    /** Opens chunk {@code id}'s file (a regular file only, never through a link); ENOENT when it is not here. */
    private Stored openStored(String id) throws IOException {
        Path p = paths.of(id);
        try {
            BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                LOG.warn("{} is not a regular file", p);
                throw new NoSuchFileException(p.toString());
            }
            return new Stored(p, attrs, FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            throw new CairnException(ErrorCode.ENOENT, "no chunk " + id + " here");
        }
    }

    /**
     * Opens a chunk for reading. The open file stays readable even if the chunk is deleted meanwhile.
     *
     * @throws CairnException ENOENT when it is not stored, EINVAL for a bad id
     */
    public Chunk open(String id) throws IOException {
        Stored f = openStored(id);
        Path p = f.path();
        FileChannel ch = f.channel();
        try {
            long size = ch.size();
            ChunkSum recorded = Sidecar.sumIn(Sidecar.of(p));
            if (recorded != null && recorded.size() != size) {
                // Torn: cut short or grown (a power cut before the bytes were synced, a damaged disk).
                LOG.warn("chunk {} has {} bytes, {} recorded when it was stored: not served", id, size, recorded.size());
                throw new CairnException(ErrorCode.EBADMSG, "chunk " + id + " here has " + size + " bytes, "
                        + recorded.size() + " were stored: it is damaged");
            }
            return new Chunk(Channels.newInputStream(ch), size);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens a chunk for reading block by block, each block checked as it is read ({@link Blocks}). A
     * chunk whose sidecar is of version 1 (stored by an older version) is read whole once first: if
     * it matches the sidecar's CRC32C, the sidecar is replaced by one of version 2 with its block
     * sums (atomically and durably, under the chunk's lock); if not, the chunk is bad. A chunk without
     * a usable sidecar opens unchecked ({@link Blocks#checked} false).
     *
     * @throws CairnException    ENOENT when it is not stored, EINVAL for a bad id
     * @throws BadChunkException when its size or (version 1) its CRC32C is not the one recorded
     */
    public Blocks openBlocks(String id) throws IOException {
        Stored f = openStored(id);
        Path p = f.path();
        BasicFileAttributes attrs = f.attrs();
        FileChannel ch = f.channel();
        try {
            long size = ch.size();
            ChunkSum recorded = Sidecar.sumIn(Sidecar.of(p));
            if (recorded != null && recorded.size() != size) {
                throw badIfUnchanged(id, p, attrs, recorded, "it has " + size + " bytes, " + recorded.size()
                        + " were stored");
            }
            if (recorded != null && !recorded.hasBlocks()) {
                recorded = upgrade(id, p, attrs, ch, recorded);
            }
            return new Blocks(id, p, attrs, ch, size, recorded, verifier);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Reads a chunk with a sidecar of version 1 whole, checks it against it, and puts a sidecar of
     * version 2 in its place; returns the sum with the block sums.
     */
    private ChunkSum upgrade(String id, Path p, BasicFileAttributes attrs, FileChannel ch, ChunkSum v1)
            throws IOException {
        BlockCrcs crcs = new BlockCrcs();
        byte[] buf = new byte[BlockSums.BLOCK];
        ByteBuffer b = ByteBuffer.wrap(buf);
        long at = 0;
        int got;
        while ((got = BlockRead.fill(ch, b, at, buf.length)) > 0 && at <= MAX_CHUNK) {
            crcs.update(buf, 0, got);
            at += got;
        }
        ChunkSum found = crcs.sum();
        if (found.size() != v1.size() || found.crc32c() != v1.crc32c()) {
            throw badIfUnchanged(id, p, attrs, v1, "its CRC32C is " + found.crc32c() + " (" + found.size()
                    + " bytes), " + v1.crc32c() + " (" + v1.size() + " bytes) was stored");
        }
        Path sidecar = Sidecar.of(p);
        synchronized (locks.of(id)) {
            // Not if it was deleted or stored again meanwhile (a new store wrote its own sidecar).
            if (verifier.unchanged(id, p, attrs, v1)) {
                Sidecar.replace(sidecar, found, tmp);
                LOG.info("chunk {}: its sidecar now has the CRC32C of each block (version 2)", id);
            }
        }
        return found;
    }

    /** A bad chunk when the file read and the sidecar {@code want} are still in place; else a failed read. */
    private CairnException badIfUnchanged(String id, Path p, BasicFileAttributes attrs, ChunkSum want, String detail)
            throws IOException {
        if (verifier.unchanged(id, p, attrs, want)) {
            return new BadChunkException(id, detail);
        }
        return new CairnException(ErrorCode.EBADMSG, "chunk " + id + " was deleted or replaced while it was read");
    }

    public boolean contains(String id) throws CairnException {
        return Files.isRegularFile(paths.of(id), LinkOption.NOFOLLOW_LINKS);
    }

    /** Deletes a chunk and its checksum sidecar; returns false if the chunk was not stored. */
    public boolean delete(String id) throws IOException {
        Path p = paths.of(id);
        synchronized (locks.of(id)) {
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
                Files.deleteIfExists(Sidecar.of(p)); // after the chunk: a crash in between leaves an orphan, removed on start
            }
        }
    }

    /** The size and CRC32C recorded when a chunk was stored, or null when unknown (no or unusable sidecar). */
    public ChunkSum storedSum(String id) throws CairnException {
        return Sidecar.sumIn(Sidecar.of(paths.of(id)));
    }

    /**
     * Re-reads a chunk and checks it against the size and CRC32C recorded when it was stored (see
     * {@link ChunkVerifier}). {@code pacer} is told of every block read, before the next is (the
     * scrubber slows down there). A chunk deleted or replaced by a new store while it was read is
     * {@link Check.Result#GONE}, not bad.
     *
     * @throws InterruptedException when the thread is interrupted (never taken for a bad chunk)
     */
    public Check verify(String id, Crc32c.Pacer pacer) throws IOException, InterruptedException {
        return verifier.verify(id, pacer);
    }

    /** Every stored chunk id, read from the directory as the stream goes; close the stream. */
    public Stream<String> ids() throws IOException {
        return inventory.ids();
    }
}
