package io.cairn.datanode.store;

import io.cairn.common.checksum.BlockSums;
import io.cairn.common.checksum.Crc32c;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A chunk open for reading block by block ({@link ChunkStore#openBlocks}), each block checked against
 * the CRC32C its sidecar recorded as it is read. A chunk without a usable sidecar has no block sums
 * ({@link #checked} is false): it can only be read whole, unchecked, as {@link ChunkStore#open} does.
 */
public final class Blocks implements AutoCloseable {
    private final String id;
    private final Path file;
    private final BasicFileAttributes opened;
    private final FileChannel ch;
    private final long size;
    private final ChunkSum sum;
    private final ChunkVerifier verifier;

    Blocks(String id, Path file, BasicFileAttributes opened, FileChannel ch, long size, ChunkSum sum,
           ChunkVerifier verifier) {
        this.id = id;
        this.file = file;
        this.opened = opened;
        this.ch = ch;
        this.size = size;
        this.sum = sum;
        this.verifier = verifier;
    }

    /** The chunk's size in bytes. */
    public long size() {
        return size;
    }

    /** Whether its block sums are known, so that its blocks can be read checked. */
    public boolean checked() {
        return sum != null;
    }

    /** The CRC32C its sidecar recorded for blocks {@code [from, from + count)}; only when {@link #checked}. */
    public long[] sums(int from, int count) {
        return sum.blocks(from, count);
    }

    /** The whole chunk, unchecked, from its start; closing it closes the file. */
    public InputStream whole() {
        return Channels.newInputStream(ch);
    }

    /**
     * Reads block {@code index} into the start of {@code buf} (at least {@link BlockSums#BLOCK} bytes)
     * and returns its length, once its CRC32C is the one recorded; only when {@link #checked}.
     *
     * @throws BadChunkException when it is not (or the file ends before it does): the chunk is bad
     */
    public int read(int index, byte[] buf) throws IOException {
        if (index < 0 || index >= BlockSums.count(size)) {
            throw new IllegalArgumentException("chunk " + id + " has no block " + index);
        }
        long at = (long) index * BlockSums.BLOCK;
        int len = (int) Math.min(BlockSums.BLOCK, size - at);
        int got = BlockRead.fill(ch, ByteBuffer.wrap(buf), at, len);
        if (got != len) {
            throw bad("it ends in block " + index + ", " + size + " bytes were stored");
        }
        long crc = Crc32c.of(buf, 0, len);
        if (crc != sum.block(index)) {
            throw bad("the CRC32C of block " + index + " is " + crc + ", " + sum.block(index) + " was stored");
        }
        return len;
    }

    /**
     * A bad chunk, if the file read and its sidecar are still the ones in place; otherwise (deleted or
     * stored again while it was read, as the scrubber's check also allows for) only a failed read.
     */
    private CairnException bad(String detail) throws IOException {
        if (verifier.unchanged(id, file, opened, sum)) {
            return new BadChunkException(id, detail);
        }
        return new CairnException(ErrorCode.EBADMSG, "chunk " + id + " was deleted or replaced while it was read");
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
