package io.cairn.datanode.store;

import io.cairn.common.checksum.BlockSums;
import io.cairn.common.checksum.Crc32c;
import io.cairn.common.wire.Replies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A data directory in a temp dir, its chunk store, and what the store tests look at on disk. */
@Timeout(60)
abstract class StoreFixture {
    static final String A = "a".repeat(32);
    static final String B = "b0" + "1".repeat(30);

    @TempDir
    Path tmp;
    DataDir dir;

    @AfterEach
    void unlock() throws IOException {
        if (dir != null) {
            dir.close();
        }
    }

    ChunkStore open(long capacity, long reserve) throws IOException {
        if (dir != null) {
            dir.close();
        }
        dir = DataDir.open(tmp.resolve("data"));
        return ChunkStore.open(dir, capacity, reserve);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long crc(byte[] b) {
        return Crc32c.of(b);
    }

    /** The sum of {@code b} with its block sums, as a put records it. */
    static ChunkSum sumOf(byte[] b) {
        return new ChunkSum(b.length, crc(b), BlockSums.of(b, 0, b.length));
    }

    static Replies.Stored put(ChunkStore s, String id, byte[] b) throws IOException {
        return s.put(id, new ByteArrayInputStream(b), b.length, crc(b));
    }

    static byte[] read(ChunkStore s, String id) throws IOException {
        try (ChunkStore.Chunk c = s.open(id)) {
            byte[] b = c.in().readAllBytes();
            assertThat(b).hasSize((int) c.size());
            return b;
        }
    }

    List<Path> tmpFiles() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("data/tmp"))) {
            return s.toList();
        }
    }

    Path chunkFile(String id) {
        return tmp.resolve("data/chunks/" + id.substring(0, 2) + "/" + id);
    }

    Path sidecar(String id) {
        return tmp.resolve("data/chunks/" + id.substring(0, 2) + "/" + id + ".crc");
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    static String id(int n) {
        return String.format("%032x", n);
    }
}
