package io.cairn.datanode.store;

import io.cairn.common.checksum.BlockSums;
import io.cairn.common.checksum.Crc32c;

import java.util.Arrays;

/**
 * Sums bytes given piece by piece, in any pieces, twice over: the CRC32C of all of them and the
 * CRC32C of each {@link BlockSums#BLOCK}-byte block (the last may be shorter), as a sidecar of
 * version 2 records them. At most {@link BlockSums#MAX_BLOCKS} blocks; the caller bounds the bytes.
 */
final class BlockCrcs {
    private final Crc32c whole = new Crc32c();
    private Crc32c block = new Crc32c();
    private int inBlock;
    private long[] sums = new long[16];
    private int count;
    private long bytes;

    /** Adds {@code b[off..off+len)}. */
    void update(byte[] b, int off, int len) {
        whole.update(b, off, len);
        bytes += len;
        while (len > 0) {
            int n = Math.min(len, BlockSums.BLOCK - inBlock);
            block.update(b, off, n);
            inBlock += n;
            off += n;
            len -= n;
            if (inBlock == BlockSums.BLOCK) {
                endBlock();
            }
        }
    }

    private void endBlock() {
        if (count == sums.length) {
            sums = Arrays.copyOf(sums, count * 2);
        }
        sums[count++] = block.value();
        block = new Crc32c();
        inBlock = 0;
    }

    /** The CRC32C of everything added. */
    long crc32c() {
        return whole.value();
    }

    /** The sum of everything added, with its block sums; nothing may be added after. */
    ChunkSum sum() {
        if (inBlock > 0) {
            endBlock();
        }
        return new ChunkSum(bytes, whole.value(), Arrays.copyOf(sums, count));
    }
}
