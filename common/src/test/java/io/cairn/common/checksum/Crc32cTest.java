package io.cairn.common.checksum;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Crc32cTest {
    @TempDir
    Path tmp;

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void theCheckValueOf123456789IsE3069283() {
        assertThat(Crc32c.of("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xE3069283L);
    }

    @Test
    void theIscsiTestVectorsComeOutAsPublished() {
        // the CRC32C examples of RFC 3720, appendix B.4
        byte[] zeros = new byte[32];
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xFF);
        byte[] up = new byte[32];
        byte[] down = new byte[32];
        for (int i = 0; i < 32; i++) {
            up[i] = (byte) i;
            down[i] = (byte) (31 - i);
        }
        assertThat(Crc32c.of(zeros)).isEqualTo(0x8A9136AAL);
        assertThat(Crc32c.of(ones)).isEqualTo(0x62A8AB43L);
        assertThat(Crc32c.of(up)).isEqualTo(0x46DD794EL);
        assertThat(Crc32c.of(down)).isEqualTo(0x113FDB5CL);
    }

    @Test
    void nothingSumsToZeroAndEveryValueIsUnsigned32Bits() {
        assertThat(Crc32c.of(new byte[0])).isZero();
        for (int seed = 0; seed < 100; seed++) {
            assertThat(Crc32c.of(random(17, seed))).isBetween(0L, 0xFFFF_FFFFL);
        }
    }

    @Test
    void aRangeIsSummedAloneAndPiecesSumLikeTheWhole() {
        byte[] b = "xx123456789yy".getBytes(StandardCharsets.US_ASCII);
        assertThat(Crc32c.of(b, 2, 9)).isEqualTo(0xE3069283L);
        byte[] data = random(100_000, 1);
        Crc32c pieces = new Crc32c().update(data, 0, 10).update(data, 10, 60_000)
                .update(ByteBuffer.wrap(data, 60_010, 100_000 - 60_010));
        assertThat(pieces.value()).isEqualTo(Crc32c.of(data));
    }

    @Test
    void aStreamIsReadToItsEndInBlocks() throws IOException {
        byte[] data = random(3 * Crc32c.BLOCK + 5, 2);
        assertThat(Crc32c.of(new ByteArrayInputStream(data))).isEqualTo(Crc32c.of(data));
    }

    Path file(byte[] data) throws IOException {
        Path f = tmp.resolve("f");
        Files.write(f, data);
        return f;
    }

    @Test
    void aFileChannelIsReadToItsEndTellingThePacerOfEveryBlock() throws Exception {
        byte[] data = random(3 * Crc32c.BLOCK + 5, 3);
        List<Long> paced = new ArrayList<>();
        Crc32c.Read read;
        try (FileChannel ch = FileChannel.open(file(data), StandardOpenOption.READ)) {
            read = Crc32c.of(ch, Long.MAX_VALUE, paced::add);
        }
        assertThat(read).isEqualTo(new Crc32c.Read(data.length, Crc32c.of(data)));
        assertThat(paced).containsExactly((long) Crc32c.BLOCK, (long) Crc32c.BLOCK, (long) Crc32c.BLOCK, 5L);
    }

    @Test
    void aChannelLongerThanExpectedIsReadOnlyOneBlockPastTheLimit() throws Exception {
        byte[] data = random(5 * Crc32c.BLOCK, 4);
        Crc32c.Read read;
        try (FileChannel ch = FileChannel.open(file(data), StandardOpenOption.READ)) {
            read = Crc32c.of(ch, Crc32c.BLOCK, Crc32c.Pacer.NONE);
        }
        assertThat(read.bytes()).isEqualTo(2L * Crc32c.BLOCK);
        assertThat(read.crc32c()).isEqualTo(Crc32c.of(data, 0, 2 * Crc32c.BLOCK));
    }

    @Test
    void anInterruptedPacerStopsTheRead() throws Exception {
        byte[] data = random(3 * Crc32c.BLOCK, 5);
        try (FileChannel ch = FileChannel.open(file(data), StandardOpenOption.READ)) {
            assertThatThrownBy(() -> Crc32c.of(ch, Long.MAX_VALUE, n -> {
                throw new InterruptedException("closing");
            })).isInstanceOf(InterruptedException.class);
            assertThat(ch.position()).isEqualTo(Crc32c.BLOCK);
        }
    }
}
