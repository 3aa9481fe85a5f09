package io.cairn.datanode.store;

import io.cairn.common.wire.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    @Test
    void aSumIsWrittenAsTheVersion1LineAndReadBackAsVersion1() {
        ChunkSum sum = new ChunkSum(5, 123);
        assertThat(new String(Sidecar.format(sum), StandardCharsets.US_ASCII)).isEqualTo("size=5 crc32c=123\n");
        assertThat(Sidecar.parse(Sidecar.format(sum))).isEqualTo(new Sidecar.Known(1, sum));
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
        assertThat(flawOf(parse("size=1 crc32c=1\n".repeat(100)))).isEqualTo(Sidecar.Flaw.TOO_LARGE);
    }

    @Test
    void aSidecarOfALaterVersionIsUnknownNotDamaged() {
        Sidecar.Parsed p = parse("version=2\nsize=5 crc32c=1 block=65536\n1\n");
        assertThat(flawOf(p)).isEqualTo(Sidecar.Flaw.UNKNOWN_VERSION);
        assertThat(((Sidecar.Unusable) p).detail()).contains("version 2");
        assertThat(flawOf(parse("version=999999999\n"))).isEqualTo(Sidecar.Flaw.UNKNOWN_VERSION);
    }

    @Test
    void aSidecarWrittenToDiskReadsBackAndIsNeverOverwritten() throws IOException {
        Path f = tmp.resolve(ID + Sidecar.SUFFIX);
        ChunkSum sum = new ChunkSum(1234, 0xE3069283L);
        Sidecar.write(f, sum, true);
        assertThat(f).hasContent("size=1234 crc32c=3808858755");
        assertThat(Sidecar.read(f)).isEqualTo(new Sidecar.Known(1, sum));
        assertThat(Sidecar.sumIn(f)).isEqualTo(sum);
        assertThatThrownBy(() -> Sidecar.write(f, new ChunkSum(1, 1), false)).isInstanceOf(FileAlreadyExistsException.class);
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
        Sidecar.write(tmp.resolve("target.crc"), new ChunkSum(1, 1), false);
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
