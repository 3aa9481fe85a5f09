package io.cairn.datanode.store;

import io.cairn.common.checksum.Crc32c;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Replies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Durable put, open, delete and sync, space accounting, and the sidecar placed with each chunk. */
@Timeout(60)
class ChunkStoreTest extends StoreFixture {
    @Test
    void aWrittenChunkIsStoredUnderItsPrefixAndReadsBack() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] b = bytes("hello, chunk");
        Replies.Stored stored = put(s, A, b);
        assertThat(stored).isEqualTo(new Replies.Stored(A, b.length, crc(b)));
        assertThat(tmp.resolve("data/chunks/aa/" + A)).hasBinaryContent(b);
        assertThat(read(s, A)).isEqualTo(b);
        assertThat(tmpFiles()).isEmpty();
    }

    @Test
    void aChunkWhoseCrcDoesNotMatchLeavesNothingBehind() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] b = bytes("damaged on the way");
        assertThatThrownBy(() -> s.put(A, new ByteArrayInputStream(b), b.length, crc(b) ^ 1))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EBADMSG));
        assertThat(s.contains(A)).isFalse();
        assertThat(tmpFiles()).isEmpty();
        assertThat(s.used()).isZero();
        assertThat(s.chunks()).isZero();
    }

    @Test
    void writingTheSameChunkAgainSucceedsAndCountsItOnce() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] b = bytes("twice");
        put(s, A, b);
        assertThat(put(s, A, b)).isEqualTo(new Replies.Stored(A, b.length, crc(b)));
        assertThat(s.chunks()).isEqualTo(1);
        assertThat(s.used()).isEqualTo(b.length);
        assertThat(tmpFiles()).isEmpty();
    }

    @Test
    void writingOtherBytesUnderAStoredIdIsRefused() throws IOException {
        ChunkStore s = open(0, 0);
        put(s, A, bytes("first"));
        assertThatThrownBy(() -> put(s, A, bytes("second")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EEXIST));
        assertThat(read(s, A)).isEqualTo(bytes("first"));
    }

    @Test
    void badIdsAreRefusedBeforeTheyTouchTheFileSystem() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] b = bytes("x");
        for (String id : List.of("../x", "..", "/etc/passwd", "%2e%2e%2f", "..%2F..%2Fetc%2Fpasswd", "", "A".repeat(32),
                "a".repeat(31), "a".repeat(33), "a".repeat(31) + "/", "a".repeat(31) + "\0")) {
            assertThatThrownBy(() -> put(s, id, b)).as(id)
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL));
            assertThatThrownBy(() -> s.open(id)).as(id).isInstanceOf(CairnException.class);
            assertThatThrownBy(() -> s.delete(id)).as(id).isInstanceOf(CairnException.class);
        }
        assertThatThrownBy(() -> s.open(null)).isInstanceOf(CairnException.class);
        try (Stream<Path> all = Files.walk(tmp)) {
            assertThat(all.filter(Files::isRegularFile).map(p -> tmp.relativize(p).toString()))
                    .containsExactlyInAnyOrder("data/node-id", "data/lock");
        }
    }

    @Test
    void usedBytesAndChunkCountFollowWritesAndDeletes() throws IOException {
        ChunkStore s = open(0, 0);
        put(s, A, bytes("12345"));
        put(s, B, bytes("123"));
        assertThat(s.used()).isEqualTo(8);
        assertThat(s.chunks()).isEqualTo(2);
        assertThat(s.delete(A)).isTrue();
        assertThat(s.delete(A)).isFalse();
        assertThat(s.used()).isEqualTo(3);
        assertThat(s.chunks()).isEqualTo(1);
        assertThatThrownBy(() -> s.open(A))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENOENT));
    }

    @Test
    void aChunkOfUnknownLengthIsStreamedAndMeasured() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] b = bytes("no length given");
        assertThat(s.put(A, new ByteArrayInputStream(b), -1, crc(b)).size()).isEqualTo(b.length);
        assertThat(read(s, A)).isEqualTo(b);
    }

    @Test
    void aBodyShorterThanDeclaredIsRefused() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] b = bytes("short");
        assertThatThrownBy(() -> s.put(A, new ByteArrayInputStream(b), b.length + 1, crc(b)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL));
        assertThat(s.contains(A)).isFalse();
        assertThat(s.used()).isZero();
    }

    @Test
    void aChunkLargerThanTheLimitIsRefusedWhileStreaming() throws IOException {
        ChunkStore s = open(0, 0);
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }
        };
        assertThatThrownBy(() -> s.put(A, endless, -1, 0))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EFBIG));
        assertThatThrownBy(() -> s.put(A, endless, ChunkStore.MAX_CHUNK + 1, 0))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EFBIG));
        assertThat(tmpFiles()).isEmpty();
        assertThat(s.contains(A)).isFalse();
    }

    @Test
    void aChunkThatWouldExceedTheCapacityIsRefused() throws IOException {
        ChunkStore s = open(10, 0);
        put(s, A, bytes("123456"));
        assertThatThrownBy(() -> put(s, B, bytes("12345")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENOSPC));
        assertThatThrownBy(() -> s.put(B, new ByteArrayInputStream(bytes("12345")), -1, crc(bytes("12345"))))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENOSPC));
        assertThat(s.contains(B)).isFalse();
        assertThat(s.available()).isEqualTo(4);
        put(s, B, bytes("1234"));
        assertThat(s.used()).isEqualTo(10);
    }

    @Test
    void aStoredChunkCanBeWrittenAgainOnAFullNode() throws IOException {
        ChunkStore s = open(5, 0);
        put(s, A, bytes("12345"));
        assertThat(put(s, A, bytes("12345")).size()).isEqualTo(5);
        assertThat(s.used()).isEqualTo(5);
        assertThat(s.chunks()).isEqualTo(1);
    }

    @Test
    void aChunkThatWouldEatIntoTheReserveIsRefused() throws IOException {
        ChunkStore s = open(0, Long.MAX_VALUE / 2);
        assertThatThrownBy(() -> put(s, A, bytes("1")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENOSPC));
        assertThat(s.available()).isZero();
    }

    @Test
    void concurrentWritesOfOneChunkAndOfManyKeepTheCountsRight() throws Exception {
        ChunkStore s = open(0, 0);
        byte[] same = bytes("written by everyone");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String own = String.format("%032x", i + 1);
                done.add(pool.submit(() -> {
                    put(s, A, same);
                    put(s, own, bytes("own"));
                    return null;
                }));
            }
            for (var f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(s.chunks()).isEqualTo(65);
        assertThat(s.used()).isEqualTo(same.length + 64 * 3L);
        assertThat(tmpFiles()).isEmpty();
        assertThat(open(0, 0).used()).isEqualTo(same.length + 64 * 3L);
    }

    @Test
    void capacityZeroMeansTheWholeDisk() throws IOException {
        ChunkStore s = open(0, 0);
        assertThat(s.capacity()).isEqualTo(Files.getFileStore(tmp).getTotalSpace());
    }

    @Test
    void aStoredChunkHasASidecarWithItsSizeAndCrcThatGoesWithIt() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] b = bytes("checked again later");
        put(s, A, b);
        assertThat(sidecar(A)).hasContent("version=2\nsize=" + b.length + " crc32c=" + crc(b) + "\n" + crc(b));
        assertThat(s.storedSum(A)).isEqualTo(sumOf(b));
        assertThat(tmpFiles()).isEmpty();
        assertThat(s.delete(A)).isTrue();
        assertThat(chunkFile(A)).doesNotExist();
        assertThat(sidecar(A)).doesNotExist();
        assertThat(s.storedSum(A)).isNull();
    }

    @Test
    void aRefusedWriteLeavesNoSidecarAndDoesNotTouchTheOneInPlace() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] b = bytes("damaged on the way");
        assertThatThrownBy(() -> s.put(A, new ByteArrayInputStream(b), b.length, crc(b) ^ 1))
                .isInstanceOf(CairnException.class);
        assertThat(sidecar(A)).doesNotExist();
        put(s, B, bytes("first"));
        assertThatThrownBy(() -> put(s, B, bytes("second"))).isInstanceOf(CairnException.class);
        assertThat(s.storedSum(B)).isEqualTo(sumOf(bytes("first")));
        assertThat(tmpFiles()).isEmpty();
    }

    @Test
    void storingAgainAChunkThatHasNoSidecarGivesItOne() throws IOException, InterruptedException {
        ChunkStore s = open(0, 0);
        byte[] b = bytes("stored by an older version");
        Files.createDirectories(chunkFile(A).getParent());
        Files.write(chunkFile(A), b);
        s = open(0, 0);
        assertThat(s.verify(A, Crc32c.Pacer.NONE).result()).isEqualTo(Check.Result.UNKNOWN);
        assertThat(put(s, A, b).size()).isEqualTo(b.length);
        assertThat(s.storedSum(A)).isEqualTo(sumOf(b));
        assertThat(s.verify(A, Crc32c.Pacer.NONE).result()).isEqualTo(Check.Result.GOOD);
        assertThat(s.chunks()).isEqualTo(1);
        assertThat(tmpFiles()).isEmpty();
    }

    @Test
    void aChunkStoredWithoutSyncHasItsSidecarAndIsSyncedWithIt() throws IOException, InterruptedException {
        ChunkStore s = open(0, 0);
        byte[] b = bytes("synced later");
        s.put(A, new ByteArrayInputStream(b), b.length, crc(b), false);
        assertThat(sidecar(A)).exists();
        s.sync(List.of(A));
        assertThat(s.verify(A, Crc32c.Pacer.NONE).result()).isEqualTo(Check.Result.GOOD);
    }

    @Test
    void aChunkCutShortOnDiskAsACrashLeavesItIsNotServedAsGood() throws IOException, InterruptedException {
        ChunkStore s = open(0, 0);
        byte[] b = random(4096, 7);
        s.put(A, new ByteArrayInputStream(b), b.length, crc(b), false);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(chunkFile(A),
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(1000); // what a power cut before the page cache reached the disk can leave
        }
        assertThatThrownBy(() -> s.open(A)).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.EBADMSG));
        assertThat(s.verify(A, Crc32c.Pacer.NONE).result()).isEqualTo(Check.Result.CORRUPT);
        Files.write(chunkFile(A), new byte[0]); // cut to nothing
        assertThatThrownBy(() -> s.open(A)).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.EBADMSG));
    }

    @Test
    void aChunkThatGrewOnDiskIsNotServedAsGood() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] b = random(4096, 8);
        put(s, A, b);
        Files.write(chunkFile(A), new byte[10], java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> s.open(A)).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.EBADMSG));
    }

    @Test
    void aChunkWithoutASidecarIsStillServed() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] b = bytes("stored by an older version");
        put(s, A, b);
        Files.delete(sidecar(A));
        assertThat(read(s, A)).isEqualTo(b);
    }

    @Test
    void putsOfBothKindsLeaveNothingInTmpAndEveryChunkReadsBack() throws IOException {
        ChunkStore s = open(0, 0);
        for (int i = 0; i < 50; i++) {
            byte[] b = random(4096, i);
            s.put(id(i), new ByteArrayInputStream(b), b.length, crc(b), i % 2 == 0);
        }
        assertThat(tmpFiles()).isEmpty();
        for (int i = 0; i < 50; i++) {
            assertThat(read(s, id(i))).isEqualTo(random(4096, i));
            assertThat(s.storedSum(id(i))).isEqualTo(sumOf(random(4096, i)));
        }
    }

    @Test
    void aChunkDirectoryRemovedBehindTheStoresBackIsMadeAgain() throws IOException {
        ChunkStore s = open(0, 0);
        byte[] b = bytes("first");
        put(s, A, b);
        s.delete(A);
        Files.delete(chunkFile(A).getParent());
        byte[] c = bytes("second");
        put(s, A, c);
        assertThat(read(s, A)).isEqualTo(c);
        assertThat(tmpFiles()).isEmpty();
    }
}
