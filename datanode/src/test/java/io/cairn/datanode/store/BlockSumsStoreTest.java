package io.cairn.datanode.store;

import io.cairn.common.checksum.BlockSums;
import io.cairn.common.checksum.Crc32c;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The block sums of a chunk: computed by a put, kept in a version 2 sidecar, checked by reads and the scrubber. */
@Timeout(60)
class BlockSumsStoreTest extends StoreFixture {
    static final int SIZE = 3 * BlockSums.BLOCK + 1000; // three whole blocks and a short one

    /** What an older datanode wrote next to {@code data}: the version 1 line. */
    static String v1Of(byte[] data) {
        return "size=" + data.length + " crc32c=" + Crc32c.of(data) + "\n";
    }

    static String v2Of(byte[] data) {
        StringBuilder b = new StringBuilder("version=2\nsize=" + data.length + " crc32c=" + Crc32c.of(data) + "\n");
        for (long s : BlockSums.of(data, 0, data.length)) {
            b.append(s).append('\n');
        }
        return b.toString();
    }

    /** A stream that hands out at most 7777 bytes a read, so that reads straddle the blocks. */
    static InputStream inOddPieces(byte[] data) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7777));
            }
        };
    }

    @Test
    void aPutWritesAVersion2SidecarWithTheCrcOfEachBlock() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] data = random(SIZE, 1);
        s.put(A, inOddPieces(data), -1, crc(data));
        assertThat(Files.readString(sidecar(A))).isEqualTo(v2Of(data));
        assertThat(s.storedSum(A)).isEqualTo(new ChunkSum(SIZE, crc(data), BlockSums.of(data, 0, SIZE)));
        byte[] empty = new byte[0];
        put(s, B, empty);
        assertThat(Files.readString(sidecar(B))).isEqualTo("version=2\nsize=0 crc32c=0\n");
    }

    @Test
    void storingAChunkAgainGivesItsVersion1SidecarTheBlockSums() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] data = random(SIZE, 2);
        put(s, A, data);
        Files.writeString(sidecar(A), v1Of(data));
        put(s, A, data);
        assertThat(Files.readString(sidecar(A))).isEqualTo(v2Of(data));
    }

    @Test
    void openingBlocksOfAChunkWithAVersion1SidecarChecksItAndUpgradesTheSidecar() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] data = random(SIZE, 3);
        put(s, A, data);
        Files.writeString(sidecar(A), v1Of(data));
        try (Blocks b = s.openBlocks(A)) {
            assertThat(b.checked()).isTrue();
            assertThat(b.sums(0, 4)).containsExactly(BlockSums.of(data, 0, SIZE));
            byte[] buf = new byte[BlockSums.BLOCK];
            assertThat(b.read(3, buf)).isEqualTo(1000);
            assertThat(Arrays.copyOf(buf, 1000)).isEqualTo(Arrays.copyOfRange(data, 3 * BlockSums.BLOCK, SIZE));
        }
        assertThat(Files.readString(sidecar(A))).as("the sidecar on disk").isEqualTo(v2Of(data));
        assertThat(tmpFiles()).isEmpty();
    }

    @Test
    void aChunkThatDoesNotMatchItsVersion1SidecarIsBadAndKeepsIt() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] data = random(SIZE, 4);
        put(s, A, data);
        Files.writeString(sidecar(A), v1Of(data));
        byte[] damaged = data.clone();
        damaged[100_000] ^= 0x40;
        Files.write(chunkFile(A), damaged);
        assertThatThrownBy(() -> s.openBlocks(A)).isInstanceOfSatisfying(BadChunkException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.EBADMSG);
            assertThat(e.chunkId()).isEqualTo(A);
            assertThat(e.detail()).contains("CRC32C");
        });
        assertThat(Files.readString(sidecar(A))).as("not upgraded").isEqualTo(v1Of(data));
    }

    @Test
    void readingABlockChecksItAgainstTheSidecar() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] data = random(SIZE, 5);
        put(s, A, data);
        byte[] damaged = data.clone();
        damaged[2 * BlockSums.BLOCK + 5] ^= 0x01;
        Files.write(chunkFile(A), damaged);
        try (Blocks b = s.openBlocks(A)) {
            byte[] buf = new byte[BlockSums.BLOCK];
            assertThat(b.read(1, buf)).isEqualTo(BlockSums.BLOCK);
            assertThat(buf).isEqualTo(Arrays.copyOfRange(data, BlockSums.BLOCK, 2 * BlockSums.BLOCK));
            assertThatThrownBy(() -> b.read(2, buf)).isInstanceOfSatisfying(BadChunkException.class,
                    e -> assertThat(e.detail()).contains("block 2"));
        }
    }

    @Test
    void aChunkWithoutAUsableSidecarOpensUnchecked() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] data = random(1000, 6);
        put(s, A, data);
        Files.delete(sidecar(A));
        try (Blocks b = s.openBlocks(A)) {
            assertThat(b.checked()).isFalse();
            assertThat(b.whole().readAllBytes()).isEqualTo(data);
        }
        assertThat(sidecar(A)).doesNotExist();
        assertThatThrownBy(() -> s.openBlocks(B)).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.ENOENT));
    }

    @Test
    void theScrubbersCheckFindsABlockWhoseSumIsNotTheSidecarsEvenWhenTheWholeCrcIs() throws Exception {
        ChunkStore s = open(0, 0);
        byte[] data = random(SIZE, 7);
        put(s, A, data);
        long[] sums = BlockSums.of(data, 0, SIZE);
        // The whole CRC32C still matches: only the check of each block can find this.
        String wrongBlock = v2Of(data).replace("\n" + sums[1] + "\n", "\n" + (sums[1] ^ 1) + "\n");
        Files.writeString(sidecar(A), wrongBlock);
        assertThat(s.verify(A, Crc32c.Pacer.NONE)).satisfies(c -> {
            assertThat(c.result()).isEqualTo(Check.Result.CORRUPT);
            assertThat(c.detail()).contains("block 1");
        });
        put(s, B, data);
        byte[] damaged = data.clone();
        damaged[3 * BlockSums.BLOCK + 10] ^= 0x08;
        Files.write(chunkFile(B), damaged);
        assertThat(s.verify(B, Crc32c.Pacer.NONE)).satisfies(c -> {
            assertThat(c.result()).isEqualTo(Check.Result.CORRUPT);
            assertThat(c.detail()).contains("block 3");
        });
    }
}
