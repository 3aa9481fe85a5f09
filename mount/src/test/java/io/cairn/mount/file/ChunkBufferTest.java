package io.cairn.mount.file;

import io.cairn.common.wire.ChunkRef;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkBufferTest {
    private static final ChunkRef OLD = new ChunkRef(0, "a".repeat(32), 8, 8, 0, List.of());

    private static ByteSource bytes(String s) {
        return ByteSource.of(s.getBytes());
    }

    @Test
    void aNewChunkNeedsNoBaseAndIsFullWhenEveryByteIsWritten() {
        ChunkBuffer b = new ChunkBuffer(0, 4, null, 0);
        b.write(0, bytes("ab"), 0, 2);
        assertThat(b.isFull()).isFalse();
        b.write(2, bytes("cd"), 0, 2);
        assertThat(b.isFull()).isTrue();
        assertThat(new String(content(b, 4))).isEqualTo("abcd");
    }

    @Test
    void contiguousWritesFromTheStartNeverNeedTheOldChunk() {
        ChunkBuffer b = new ChunkBuffer(0, 8, OLD, 8);
        b.write(0, bytes("1234"), 0, 4);
        assertThat(b.needsBaseForRead(0, 4)).isFalse();
        assertThat(b.needsBaseForRead(3, 5)).isTrue();
        b.write(4, bytes("5678"), 0, 4);
        assertThat(b.pendingBase()).isNull(); // all old bytes rewritten
        assertThat(b.isFull()).isTrue();
    }

    @Test
    void writesAnywhereKeepTheirRangesMergedAndNeedNoOldBytes() {
        ChunkBuffer b = new ChunkBuffer(0, 16, OLD, 16);
        b.write(6, bytes("cc"), 0, 2);
        b.write(2, bytes("aa"), 0, 2);
        b.write(4, bytes("bb"), 0, 2); // joins both neighbours
        b.write(12, bytes("dd"), 0, 2);
        b.write(13, bytes("ee"), 0, 2); // overlaps the end of one
        assertThat(b.pendingBase()).isEqualTo(OLD);
        assertThat(b.writtenRanges()).extracting(r -> r[0] + "-" + r[1]).containsExactly("2-8", "12-15");
        assertThat(b.writtenBytes()).isEqualTo(9);
        assertThat(new String(b.copy(2, 8))).isEqualTo("aabbcc");
        assertThat(b.needsBaseForRead(3, 7)).isFalse();
        assertThat(b.needsBaseForRead(7, 9)).isTrue();
        assertThat(b.needsBaseForRead(0, 1)).isTrue();
    }

    @Test
    void smallWritesOverABigOldChunkTakeOnlyTheirBytesUntilTheyAreMany() {
        int chunk = 4 << 20;
        ChunkRef old = new ChunkRef(1, "b".repeat(32), chunk, chunk, 0, List.of());
        ChunkBuffer b = new ChunkBuffer(1, chunk, old, chunk);
        java.util.Random r = new java.util.Random(5);
        byte[] model = new byte[chunk];
        java.util.BitSet set = new java.util.BitSet(chunk);
        randomWrites(b, 40, r, model, set); // 40 writes of 4 KiB: sparse all along
        assertThat(b.isSparse()).isTrue();
        assertThat(b.writtenBytes()).isEqualTo(set.cardinality());
        for (int[] range : b.writtenRanges()) {
            assertThat(b.copy(range[0], range[1])).isEqualTo(java.util.Arrays.copyOfRange(model, range[0], range[1]));
            assertThat(b.needsBaseForRead(range[0], range[1])).isFalse();
        }
        randomWrites(b, 100, r, model, set); // then enough to hold a whole chunk's array
        assertThat(b.isSparse()).isFalse();
        byte[] oldBytes = new byte[chunk];
        java.util.Arrays.fill(oldBytes, (byte) 'o');
        b.mergeBase(oldBytes, chunk);
        for (int i = set.nextClearBit(0); i < chunk; i = set.nextClearBit(i + 1)) {
            model[i] = 'o';
        }
        assertThat(content(b, chunk)).isEqualTo(model);
    }

    @Test
    void aGapIsFilledFromTheOldChunkAndMergingKeepsTheNewBytes() {
        ChunkBuffer b = new ChunkBuffer(0, 8, OLD, 6);
        b.write(0, bytes("AB"), 0, 2);
        b.write(4, bytes("X"), 0, 1);
        b.mergeBase("oooooooo".getBytes(), 8);
        assertThat(b.pendingBase()).isNull();
        assertThat(b.writtenRanges()).isEmpty();
        // old bytes only where the file covered them (6), zeros after
        assertThat(content(b, 8)).isEqualTo(new byte[] {'A', 'B', 'o', 'o', 'X', 'o', 0, 0});
        assertThat(b.end()).isEqualTo(6);
    }

    @Test
    void bytesPastTheOldChunksUsedLengthStayZero() {
        ChunkBuffer b = new ChunkBuffer(0, 8, OLD, 8);
        b.mergeBase("oooooooo".getBytes(), 3); // a truncated chunk: only 3 bytes are the file's
        assertThat(content(b, 8)).isEqualTo(new byte[] {'o', 'o', 'o', 0, 0, 0, 0, 0});
    }

    @Test
    void theBufferGrowsWithTheDataUpToAChunk() {
        int chunk = 4 << 20;
        ChunkBuffer b = new ChunkBuffer(0, chunk, null, 0);
        b.write(0, bytes("tiny"), 0, 4);
        assertThat(b.capacity()).isEqualTo(ChunkBuffer.MIN_CAPACITY);
        b.write(chunk - 1, bytes("z"), 0, 1);
        assertThat(b.capacity()).isEqualTo(chunk);
        assertThat(b.isFull()).isTrue();
        byte[] out = new byte[10];
        new ChunkBuffer(1, chunk, null, 0).read(100, 10, ByteSink.of(out), 0); // never written: zeros
        assertThat(out).containsOnly(0);
        assertThat(new ChunkBuffer(2, chunk, null, 0).bytesFor(3_000_000)).hasSizeGreaterThanOrEqualTo(3_000_000);
    }

    /** {@code n} random 4 KiB writes into {@code b}, also made to {@code model}, their ranges marked in {@code set}. */
    private static void randomWrites(ChunkBuffer b, int n, java.util.Random r, byte[] model, java.util.BitSet set) {
        for (int i = 0; i < n; i++) {
            int at = r.nextInt(model.length - 4096);
            byte[] w = new byte[4096];
            r.nextBytes(w);
            b.write(at, ByteSource.of(w), 0, w.length);
            System.arraycopy(w, 0, model, at, w.length);
            set.set(at, at + w.length);
        }
    }

    private static byte[] content(ChunkBuffer b, int n) {
        byte[] out = new byte[n];
        b.read(0, n, ByteSink.of(out), 0);
        return out;
    }
}
