package io.cairn.datanode.store;

import io.cairn.common.checksum.BlockSums;
import io.cairn.common.checksum.Crc32c;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Checks a stored chunk against its sidecar, for the scrubber: re-reads it and compares its size and
 * CRC32C with the ones recorded when it was stored, and, when the sidecar has them (version 2), the
 * CRC32C of each block: one bad block makes the chunk bad. A chunk deleted, or replaced by a new store,
 * while it was read is {@link Check.Result#GONE}, never bad: before answering, the check looks, under
 * the id's lock, whether the file and the sidecar it read are still the ones in place.
 */
final class ChunkVerifier {
    private final ChunkPaths paths;
    private final StripedLocks locks;

    ChunkVerifier(ChunkPaths paths, StripedLocks locks) {
        this.paths = paths;
        this.locks = locks;
    }

    /**
     * Re-reads chunk {@code id}; {@code pacer} is told of every block read, before the next is.
     *
     * @throws InterruptedException when the thread is interrupted (never taken for a bad chunk)
     */
    Check verify(String id, Crc32c.Pacer pacer) throws IOException, InterruptedException {
        Path p = paths.of(id);
        BasicFileAttributes before;
        FileChannel ch;
        try {
            before = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!before.isRegularFile()) {
                return new Check(Check.Result.UNREADABLE, p + " is not a regular file");
            }
            ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return new Check(Check.Result.GONE, "deleted");
        } catch (ClosedByInterruptException e) {
            throw interrupted(e);
        } catch (IOException e) {
            return new Check(Check.Result.UNREADABLE, "cannot open it: " + e);
        }
        try (ch) {
            Sidecar.Parsed recorded = Sidecar.read(Sidecar.of(p));
            if (!(recorded instanceof Sidecar.Known known)) {
                return new Check(Check.Result.UNKNOWN, ((Sidecar.Unusable) recorded).detail());
            }
            Check found = compare(ch, known.sum(), pacer);
            if (found.result() != Check.Result.GOOD && !unchanged(id, p, before, known.sum())) {
                return new Check(Check.Result.GONE, "deleted or replaced while it was checked");
            }
            return found;
        } catch (ClosedByInterruptException e) {
            throw interrupted(e);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted(e);
            }
            return new Check(Check.Result.UNREADABLE, "cannot read it: " + e);
        }
    }

    private static Check compare(FileChannel ch, ChunkSum want, Crc32c.Pacer pacer)
            throws IOException, InterruptedException {
        long size = ch.size();
        if (size != want.size()) {
            return new Check(Check.Result.CORRUPT, "it has " + size + " bytes, " + want.size() + " were stored");
        }
        if (want.hasBlocks()) {
            return compareBlocks(ch, want, pacer);
        }
        Crc32c.Read read = Crc32c.of(ch, want.size(), pacer);
        if (read.bytes() != want.size()) {
            return new Check(Check.Result.CORRUPT, "it has " + read.bytes() + " bytes, " + want.size() + " were stored");
        }
        if (read.crc32c() != want.crc32c()) {
            return new Check(Check.Result.CORRUPT, "its CRC32C is " + read.crc32c() + ", " + want.crc32c() + " was stored");
        }
        return new Check(Check.Result.GOOD, "");
    }

    /** As {@link #compare}, block by block: each block's CRC32C, then the whole chunk's. */
    private static Check compareBlocks(FileChannel ch, ChunkSum want, Crc32c.Pacer pacer)
            throws IOException, InterruptedException {
        Crc32c whole = new Crc32c();
        ByteBuffer buf = ByteBuffer.allocate(BlockSums.BLOCK);
        int count = BlockSums.count(want.size());
        for (int i = 0; i < count; i++) {
            int len = (int) Math.min(BlockSums.BLOCK, want.size() - (long) i * BlockSums.BLOCK);
            int got = BlockRead.fill(ch, buf, (long) i * BlockSums.BLOCK, len);
            pacer.read(got);
            if (got != len) {
                return new Check(Check.Result.CORRUPT, "it ends in block " + i + ", " + want.size() + " bytes were stored");
            }
            long crc = Crc32c.of(buf.array(), 0, len);
            if (crc != want.block(i)) {
                return new Check(Check.Result.CORRUPT, "the CRC32C of block " + i + " is " + crc + ", "
                        + want.block(i) + " was stored");
            }
            whole.update(buf.array(), 0, len);
        }
        if (whole.value() != want.crc32c()) {
            return new Check(Check.Result.CORRUPT, "its CRC32C is " + whole.value() + ", " + want.crc32c() + " was stored");
        }
        return new Check(Check.Result.GOOD, "");
    }

    /** Whether the chunk file opened (as {@code before}) is still in place, with the sidecar {@code want}. */
    boolean unchanged(String id, Path p, BasicFileAttributes before, ChunkSum want) throws IOException {
        synchronized (locks.of(id)) {
            BasicFileAttributes now;
            try {
                now = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return false;
            }
            return Objects.equals(before.fileKey(), now.fileKey())
                    && before.lastModifiedTime().equals(now.lastModifiedTime())
                    && want.equals(Sidecar.sumIn(Sidecar.of(p)));
        }
    }

    private static InterruptedException interrupted(IOException cause) {
        Thread.currentThread().interrupt();
        InterruptedException e = new InterruptedException("interrupted while checking a chunk");
        e.initCause(cause);
        return e;
    }
}
