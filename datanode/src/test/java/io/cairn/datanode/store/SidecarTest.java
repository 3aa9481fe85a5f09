package io.cairn.datanode.store;

import io.cairn.common.checksum.BlockSums;
import io.cairn.common.checksum.Crc32c;
import io.cairn.common.wire.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SidecarTest {
    static final String ID = "ab" + "0".repeat(30);

    @TempDir
    Path tmp;

    static Sidecar.Parsed parse(String s) {
        return Sidecar.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static Sidecar.Flaw flawOf(Sidecar.Parsed p) {
        assertThat(p).isInstanceOf(Sidecar.Unusable.class);
        return ((Sidecar.Unusable) p).flaw();
    }

    /** The sum of {@code data} with its block sums, as a put computes it. */
    static ChunkSum sumOf(byte[] data) {
        return new ChunkSum(data.length, Crc32c.of(data), BlockSums.of(data, 0, data.length));
    }

    static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @Test
    void aSumIsWrittenAsVersion2WithOneLinePerBlockAndReadBack() {
        ChunkSum sum = new ChunkSum(BlockSums.BLOCK + 5, 123, new long[] {7, 4294967295L});
        assertThat(new String(Sidecar.format(sum), StandardCharsets.US_ASCII))
                .isEqualTo("version=2\nsize=65541 crc32c=123\n7\n4294967295\n");
        assertThat(Sidecar.parse(Sidecar.format(sum))).isEqualTo(new Sidecar.Known(2, sum));
        for (int size : List.of(0, 1, BlockSums.BLOCK - 1, BlockSums.BLOCK, BlockSums.BLOCK + 1, 5 * BlockSums.BLOCK + 17)) {
            ChunkSum s = sumOf(random(size));
            assertThat(s.blocks()).as("size %d", size).hasSize(BlockSums.count(size));
            assertThat(Sidecar.parse(Sidecar.format(s))).as("size %d", size).isEqualTo(new Sidecar.Known(2, s));
        }
        assertThatThrownBy(() -> Sidecar.format(new ChunkSum(5, 1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLargestVersion2SidecarFitsAndIsTheLimit() {
        long[] blocks = new long[BlockSums.MAX_BLOCKS];
        java.util.Arrays.fill(blocks, 0xFFFF_FFFFL);
        ChunkSum largest = new ChunkSum(Limits.MAX_CHUNK, 0xFFFF_FFFFL, blocks);
        byte[] bytes = Sidecar.format(largest);
        assertThat(bytes).hasSize(Sidecar.MAX_BYTES);
        assertThat(Sidecar.parse(bytes)).isEqualTo(new Sidecar.Known(2, largest));
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        longer[bytes.length] = '\n';
        assertThat(flawOf(Sidecar.parse(longer))).isEqualTo(Sidecar.Flaw.TOO_LARGE);
    }

    @Test
    void aVersion1SidecarAnOlderDatanodeWroteIsStillRead() {
        assertThat(parse("size=5 crc32c=123\n")).isEqualTo(new Sidecar.Known(1, new ChunkSum(5, 123)));
        assertThat(((Sidecar.Known) parse("size=5 crc32c=123\n")).sum().hasBlocks()).isFalse();
    }

    @Test
    void damagedVersion2SidecarsGiveNoSum() {
        String two = "version=2\nsize=65537 crc32c=9\n1\n2\n";
        assertThat(parse(two)).isInstanceOf(Sidecar.Known.class);
        for (String s : List.of("version=2\n", "version=2\nsize=65537 crc32c=9\n1\n2",
                "version=2\nsize=65537 crc32c=9\n1\n", "version=2\nsize=65537 crc32c=9\n1\n2\n3\n",
                "version=2\nsize=65537 crc32c=9\n1\n\n", "version=2\nsize=65537 crc32c=9\n1\n-2\n",
                "version=2\nsize=65537 crc32c=9\n1\n4294967296\n", "version=2\nsize=65537 crc32c=9\n1\n 2\n",
                "version=2\nsize=65537 crc32c=9\n1\n2\r\n", "version=2\nsize=65537 crc32c=9\r\n1\n2\n",
                "version=2\nsize=65537 crc32c=9\n1\n99999999999\n", "version=2\nsize=65537  crc32c=9\n1\n2\n",
                "version=2\nsize=5 crc32c=9\n8\n", "version=2\nsize=0 crc32c=0\n0\n",
                "version=2\nsize=" + (Limits.MAX_CHUNK + 1L) + " crc32c=9\n",
                "version=2\n1\n2\nsize=65537 crc32c=9\n", "version=2\nsize=65537 crc32c=9\n1\nx\n")) {
            assertThat(flawOf(parse(s))).as(s).isEqualTo(Sidecar.Flaw.DAMAGED);
        }
        assertThat(parse("version=2\nsize=0 crc32c=0\n")).isEqualTo(new Sidecar.Known(2, new ChunkSum(0, 0, new long[0])));
        assertThat(parse("version=2\nsize=5 crc32c=8\n8\n")).isEqualTo(new Sidecar.Known(2, new ChunkSum(5, 8, new long[] {8})));
    }

    @Test
    void version1IsReadWithOrWithoutItsNewlineUpToTheLargestValues() {
        assertThat(parse("size=0 crc32c=0")).isEqualTo(new Sidecar.Known(1, new ChunkSum(0, 0)));
        assertThat(parse("size=" + Limits.MAX_CHUNK + " crc32c=4294967295\n"))
                .isEqualTo(new Sidecar.Known(1, new ChunkSum(Limits.MAX_CHUNK, 0xFFFF_FFFFL)));
        assertThat(parse("size=0000000000000000007 crc32c=0000000001\n"))
                .isEqualTo(new Sidecar.Known(1, new ChunkSum(7, 1)));
    }

    @Test
    void damagedSidecarsGiveNoSum() {
        for (String s : List.of("", "garbage", "\n", "size=5", "size=5 crc32c=", "size=5 crc32c=1\n\n",
                "size=5  crc32c=1", " size=5 crc32c=1", "size=5 crc32c=1 ", "SIZE=5 CRC32C=1", "size=-1 crc32c=1",
                "size=5 crc32c=-1", "size=0x5 crc32c=1", "size=5 crc32c=1\r\n", "crc32c=1 size=5",
                "size=5 crc32c=4294967296", "size=" + (Limits.MAX_CHUNK + 1L) + " crc32c=1",
                "size=9999999999999999999 crc32c=1", "size=99999999999999999999 crc32c=1",
                "size=5 crc32c=1\0", "size=5 crc32c=\u00e91", "version=", "version=x\nsize=5 crc32c=1",
                "version=2", "version=1\nsize=5 crc32c=1\n", "version=0\n")) {
            assertThat(flawOf(parse(s))).as(s).isEqualTo(Sidecar.Flaw.DAMAGED);
        }
    }

    @Test
    void aSidecarLargerThanAnyVersionWritesIsNotParsed() {
        String justFits = "size=1 crc32c=1" + " ".repeat(Sidecar.MAX_BYTES - 15);
        assertThat(justFits).hasSize(Sidecar.MAX_BYTES);
        assertThat(flawOf(parse(justFits))).isEqualTo(Sidecar.Flaw.DAMAGED);
        assertThat(flawOf(parse(justFits + " "))).isEqualTo(Sidecar.Flaw.TOO_LARGE);
        assertThat(flawOf(parse("size=1 crc32c=1\n".repeat(1000)))).isEqualTo(Sidecar.Flaw.TOO_LARGE);
    }

    @Test
    void aSidecarOfALaterVersionIsUnknownNotDamaged() {
        Sidecar.Parsed p = parse("version=3\nsize=5 crc32c=1 block=65536\n1\n");
        assertThat(flawOf(p)).isEqualTo(Sidecar.Flaw.UNKNOWN_VERSION);
        assertThat(((Sidecar.Unusable) p).detail()).contains("version 3");
        assertThat(flawOf(parse("version=999999999\n"))).isEqualTo(Sidecar.Flaw.UNKNOWN_VERSION);
    }

    @Test
    void aSidecarWrittenToDiskReadsBackAndIsNeverOverwritten() throws IOException {
        Path f = tmp.resolve(ID + Sidecar.SUFFIX);
        ChunkSum sum = new ChunkSum(1234, 0xE3069283L, new long[] {0xE3069283L});
        Sidecar.write(f, sum, true);
        assertThat(f).hasContent("version=2\nsize=1234 crc32c=3808858755\n3808858755");
        assertThat(Sidecar.read(f)).isEqualTo(new Sidecar.Known(2, sum));
        assertThat(Sidecar.sumIn(f)).isEqualTo(sum);
        assertThatThrownBy(() -> Sidecar.write(f, new ChunkSum(1, 1, new long[] {1}), false))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Sidecar.sumIn(f)).isEqualTo(sum);
    }

    @Test
    void aMissingOversizedUnreadableOrDamagedSidecarOnDiskGivesNoSum() throws IOException {
        Path missing = tmp.resolve("missing.crc");
        Path large = tmp.resolve("large.crc");
        Path dir = tmp.resolve("dir.crc");
        Path link = tmp.resolve("link.crc");
        Path damaged = tmp.resolve("damaged.crc");
        Files.write(large, new byte[1 << 20]);
        Files.createDirectory(dir);
        Sidecar.write(tmp.resolve("target.crc"), new ChunkSum(1, 1, new long[] {1}), false);
        Files.createSymbolicLink(link, tmp.resolve("target.crc"));
        Files.writeString(damaged, "size=1 crc32c=");
        assertThat(flawOf(Sidecar.read(missing))).isEqualTo(Sidecar.Flaw.ABSENT);
        assertThat(flawOf(Sidecar.read(large))).isEqualTo(Sidecar.Flaw.TOO_LARGE);
        assertThat(flawOf(Sidecar.read(dir))).isEqualTo(Sidecar.Flaw.UNREADABLE);
        assertThat(flawOf(Sidecar.read(link))).as("a link is not followed").isEqualTo(Sidecar.Flaw.UNREADABLE);
        assertThat(flawOf(Sidecar.read(damaged))).isEqualTo(Sidecar.Flaw.DAMAGED);
        for (Path p : List.of(missing, large, dir, link, damaged)) {
            assertThat(Sidecar.sumIn(p)).as(p.toString()).isNull();
        }
    }

    @Test
    void aSidecarIsNamedAfterItsChunkInTheSameDirectory() {
        Path chunk = tmp.resolve("chunks/ab/" + ID);
        assertThat(Sidecar.of(chunk)).isEqualTo(tmp.resolve("chunks/ab/" + ID + ".crc"));
        assertThat(Sidecar.chunkIdOf(ID + ".crc", "ab")).isEqualTo(ID);
        assertThat(Sidecar.chunkIdOf(ID + ".crc", "cd")).as("in another chunk's directory").isNull();
        assertThat(Sidecar.chunkIdOf(ID, "ab")).isNull();
        assertThat(Sidecar.chunkIdOf(ID + ".crc.crc", "ab")).isNull();
        assertThat(Sidecar.chunkIdOf("ab.crc", "ab")).isNull();
        assertThat(Sidecar.chunkIdOf(ID.toUpperCase() + ".crc", "AB")).isNull();
    }
}
