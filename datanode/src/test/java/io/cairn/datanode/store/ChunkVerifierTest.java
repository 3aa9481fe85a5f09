package io.cairn.datanode.store;

import io.cairn.common.checksum.Crc32c;
import io.cairn.common.error.CairnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Re-reading a stored chunk against its sidecar, as the scrubber does. */
@Timeout(60)
class ChunkVerifierTest extends StoreFixture {
    @Test
    void verifyTellsAGoodChunkFromAFlippedBitATruncationAndAnotherChunksFile() throws Exception {
        ChunkStore s = open(0, 0);
        int size = 200_000; // several read blocks
        byte[] data = random(size, 1);
        String good = id(1);
        String flipped = id(2);
        String truncated = id(3);
        String replaced = id(4);
        String replacedBySmaller = id(5);
        String other = id(6);
        for (String id : List.of(good, flipped, truncated, replaced, replacedBySmaller)) {
            put(s, id, data);
        }
        put(s, other, random(size, 2));
        byte[] b = data.clone();
        b[150_000] ^= 0x10;
        Files.write(chunkFile(flipped), b);
        try (var ch = java.nio.channels.FileChannel.open(chunkFile(truncated), java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size - 1);
        }
        Files.copy(chunkFile(other), chunkFile(replaced), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(chunkFile(replacedBySmaller), bytes("short"));

        long[] paced = {0};
        Check ok = s.verify(good, n -> paced[0] += n);
        assertThat(ok.result()).isEqualTo(Check.Result.GOOD);
        assertThat(paced[0]).isEqualTo(size);
        assertThat(s.verify(flipped, Crc32c.Pacer.NONE)).satisfies(c -> {
            assertThat(c.result()).isEqualTo(Check.Result.CORRUPT);
            assertThat(c.detail()).contains("CRC32C");
        });
        assertThat(s.verify(truncated, Crc32c.Pacer.NONE)).satisfies(c -> {
            assertThat(c.result()).isEqualTo(Check.Result.CORRUPT);
            assertThat(c.detail()).contains((size - 1) + " bytes");
        });
        assertThat(s.verify(replaced, Crc32c.Pacer.NONE).result()).isEqualTo(Check.Result.CORRUPT);
        assertThat(s.verify(replacedBySmaller, Crc32c.Pacer.NONE).result()).isEqualTo(Check.Result.CORRUPT);
        assertThat(s.verify(other, Crc32c.Pacer.NONE).result()).isEqualTo(Check.Result.GOOD);
        // the check never deletes anything
        for (String id : List.of(good, flipped, truncated, replaced, replacedBySmaller, other)) {
            assertThat(chunkFile(id)).exists();
            assertThat(sidecar(id)).exists();
        }
    }

    @Test
    void verifySaysUnknownWithoutAUsableSidecarGoneWithoutAChunkAndUnreadableForANonFile() throws Exception {
        ChunkStore s = open(0, 0);
        put(s, A, bytes("no sidecar"));
        put(s, B, bytes("bad sidecar"));
        Files.delete(sidecar(A));
        Files.writeString(sidecar(B), "garbage");
        assertThat(s.verify(A, Crc32c.Pacer.NONE).result()).isEqualTo(Check.Result.UNKNOWN);
        assertThat(s.verify(B, Crc32c.Pacer.NONE).result()).isEqualTo(Check.Result.UNKNOWN);
        assertThat(s.verify(id(77), Crc32c.Pacer.NONE).result()).isEqualTo(Check.Result.GONE);
        String dirId = id(78);
        Files.createDirectories(chunkFile(dirId));
        assertThat(s.verify(dirId, Crc32c.Pacer.NONE).result()).isEqualTo(Check.Result.UNREADABLE);
        assertThatThrownBy(() -> s.verify("../x", Crc32c.Pacer.NONE)).isInstanceOf(CairnException.class);
    }
}
