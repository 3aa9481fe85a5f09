package io.cairn.datanode.store;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Limits;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The first step of storing a chunk: its bytes streamed into a new file in tmp/ while their CRC32C
 * and the CRC32C of each of their blocks ({@link BlockCrcs}) are computed, refused unless their number and checksum are the ones declared, and synced when
 * the write is durable. Nothing here is a chunk yet; {@link ChunkStore} moves it into place.
 */
final class PartFile {
    private static final int BUFFER = 64 * 1024;

    private PartFile() {
    }

    /**
     * Streams {@code in} into the new file {@code part}; returns their size, CRC32C and block sums.
     *
     * @param length the bytes declared, or -1 when not known in advance
     * @throws CairnException EFBIG (over {@link Limits#MAX_CHUNK}), EINVAL (not the length declared),
     *                        EBADMSG (not the CRC32C declared), ENOSPC (the disk filled up)
     */
    static ChunkSum receive(InputStream in, Path part, long length, String id, long crc32c, boolean durable)
            throws IOException {
        BlockCrcs crc = new BlockCrcs();
        byte[] buf = new byte[length >= 0 && length < BUFFER ? (int) length + 1 : BUFFER]; // +1: the end is seen in one read more
        long n = 0;
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int r;
            while ((r = in.read(buf)) >= 0) {
                n += r;
                if (n > Limits.MAX_CHUNK) {
                    throw new CairnException(ErrorCode.EFBIG, "chunk " + id + " is larger than the "
                            + Limits.MAX_CHUNK + " bytes allowed");
                }
                if (length >= 0 && n > length) {
                    throw new CairnException(ErrorCode.EINVAL, "chunk " + id + " has more than the "
                            + length + " bytes declared");
                }
                crc.update(buf, 0, r);
                write(ch, buf, r, part);
            }
            if (length >= 0 && n != length) {
                throw new CairnException(ErrorCode.EINVAL, "chunk " + id + " has " + n + " bytes, "
                        + length + " declared");
            }
            if (crc.crc32c() != crc32c) {
                throw new CairnException(ErrorCode.EBADMSG, "chunk " + id + " has CRC32C " + crc.crc32c()
                        + ", the writer sent " + crc32c + ": the bytes were damaged on the way");
            }
            if (durable) {
                ch.force(false); // fdatasync: the bytes, and the size that reads them back
            }
        }
        return crc.sum();
    }

    private static void write(FileChannel ch, byte[] buf, int len, Path part) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
        try {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException e) {
            if (Files.getFileStore(part.getParent()).getUsableSpace() < BUFFER) {
                throw new CairnException(ErrorCode.ENOSPC, "the disk is full", e);
            }
            throw e;
        }
    }
}
