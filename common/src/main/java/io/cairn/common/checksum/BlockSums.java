package io.cairn.common.checksum;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Limits;

import java.util.Arrays;

/**
 * The CRC32C of each {@link #BLOCK}-byte block of a chunk (the last block may be shorter), which
 * lets a range of a chunk be checked without reading the rest. A datanode keeps them beside the
 * chunk, checks the blocks it serves against them, and sends the ones of a range in the header
 * {@link #HEADER} as decimal numbers separated by commas; the reader checks the bytes against them
 * again. Ranges are asked for in whole blocks: the first byte a multiple of {@link #BLOCK}, the
 * last one before a multiple of it or the chunk's last byte.
 */
public final class BlockSums {
    /** Bytes per checksummed block: a 4 KiB read moves at most this much. */
    public static final int BLOCK = 64 << 10;
    /** The most blocks a chunk has. */
    public static final int MAX_BLOCKS = Limits.MAX_CHUNK / BLOCK;
    /** The response header of a ranged read that carries the CRC32C of each block it holds. */
    public static final String HEADER = "X-Cairn-Block-Crc32c";

    private BlockSums() {
    }

    /** How many blocks a chunk of {@code size} bytes has. */
    public static int count(long size) {
        return (int) ((size + BLOCK - 1) / BLOCK);
    }

    /** The CRC32C of each block of {@code data[off..off+len)}, taken as blocks from {@code off}. */
    public static long[] of(byte[] data, int off, int len) {
        long[] sums = new long[count(len)];
        for (int i = 0; i < sums.length; i++) {
            int from = off + i * BLOCK;
            sums[i] = Crc32c.of(data, from, Math.min(BLOCK, off + len - from));
        }
        return sums;
    }

    /** The header value for {@code sums}. */
    public static String format(long[] sums) {
        StringBuilder b = new StringBuilder(sums.length * 11);
        for (int i = 0; i < sums.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(sums[i]);
        }
        return b.toString();
    }

    /**
     * Parses a header value that must hold exactly {@code expected} sums.
     *
     * @throws CairnException EBADMSG when it is missing, malformed or of another count
     */
    public static long[] parse(String value, int expected) throws CairnException {
        if (value == null) {
            throw new CairnException(ErrorCode.EBADMSG, "a ranged read came without its block checksums");
        }
        if (expected < 0 || expected > MAX_BLOCKS || value.length() > expected * 11L) {
            throw new CairnException(ErrorCode.EBADMSG, "a ranged read came with block checksums of another count");
        }
        String[] parts = value.isEmpty() ? new String[0] : value.split(",", -1);
        if (parts.length != expected) {
            throw new CairnException(ErrorCode.EBADMSG, "a ranged read came with " + parts.length
                    + " block checksums, " + expected + " expected");
        }
        long[] sums = new long[expected];
        for (int i = 0; i < expected; i++) {
            long v;
            try {
                v = parts[i].length() > 10 || parts[i].isEmpty() ? -1 : Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new CairnException(ErrorCode.EBADMSG, "a ranged read came with a malformed block checksum");
            }
            sums[i] = v;
        }
        return sums;
    }

    /** Whether the blocks of {@code data[0..len)} have the CRC32C in {@code sums}; the index of the first that does not, or -1. */
    public static int firstBad(byte[] data, int len, long[] sums) {
        long[] actual = of(data, 0, len);
        if (actual.length != sums.length) {
            return 0;
        }
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] != sums[i]) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code [first, first + length)} of a chunk of {@code size} bytes is in whole blocks and inside it. */
    public static boolean aligned(long first, long length, long size) {
        long end = first + length;
        return first >= 0 && length > 0 && end <= size && first % BLOCK == 0 && (end % BLOCK == 0 || end == size);
    }

    /** For tests and logs. */
    public static String toString(long[] sums) {
        return Arrays.toString(sums);
    }
}
