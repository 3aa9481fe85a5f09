package io.cairn.master.namespace;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Limits;
import io.cairn.common.wire.Requests;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.JdbcMetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sizes and offsets near 2^63 never wrap around: a size or a chunk past the largest file size is
 * EFBIG, and the file keeps every chunk it had.
 */
class FileSizeLimitTest {
    private static final long C = 1 << 20;
    private static final String N1 = "00000000-0000-0000-0000-000000000001";
    @TempDir
    Path dir;
    JdbcMetadataStore store;
    Namespace ns;
    ChunkLists chunks;
    Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    Attr f;

    @BeforeEach
    void open() throws Exception {
        store = JdbcMetadataStore.sqlite(dir.resolve("meta.db"));
        chunks = new ChunkLists(store, new NodeRegistry(clock, Duration.ofSeconds(15), C), clock, C, 2, 1);
        ns = new Namespace(store, clock, chunks);
        ns.init();
        f = ns.create(new Requests.Create("/f", FileType.FILE, 0644, 0, 0, null, true));
        List<Requests.CommitChunk> list = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            list.add(new Requests.CommitChunk(i, chunkId(i + 1), C, C, i, List.of(N1)));
        }
        store.write(tx -> { // the writer's leases, as POST /fs/allocate grants them
            for (Requests.CommitChunk ch : list) {
                tx.putLease(ch.id(), f.inode(), Long.MAX_VALUE);
            }
            tx.putLease(chunkId(9), f.inode(), Long.MAX_VALUE);
            tx.putLease(chunkId(10), f.inode(), Long.MAX_VALUE);
            return null;
        });
        chunks.commit(new Requests.Commit(f.inode(), 3 * C, list, null));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static String chunkId(int n) {
        return String.format("%032x", n);
    }

    private static void expectEfbig(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.EFBIG));
    }

    private void assertKeepsItsChunks() throws Exception {
        assertThat(ns.attr("/f").size()).isEqualTo(3 * C);
        assertThat(chunks.layout(f.inode(), 0, 10).chunks()).extracting(ChunkRef::id)
                .containsExactly(chunkId(1), chunkId(2), chunkId(3));
    }

    private Requests.SetAttr size(long size) {
        return new Requests.SetAttr("/f", null, null, null, null, size, null, null);
    }

    @Test
    void truncateToTheLargestLongIsEfbigAndTheFileKeepsItsChunks() throws Exception {
        // truncate -s 9223372036854775807 f
        expectEfbig(() -> ns.setAttr(size(Long.MAX_VALUE)));
        expectEfbig(() -> ns.setAttr(size(Long.MAX_VALUE - C + 2)));
        assertKeepsItsChunks();
    }

    @Test
    void truncatePastTheLargestFileSizeIsEfbigAndToItWorks() throws Exception {
        expectEfbig(() -> ns.setAttr(size(Limits.MAX_FILE_SIZE + 1)));
        assertKeepsItsChunks();
        // truncate -s 1E f: as large as a file gets, its chunks stay
        assertThat(ns.setAttr(size(Limits.MAX_FILE_SIZE)).size()).isEqualTo(Limits.MAX_FILE_SIZE);
        assertThat(chunks.layout(f.inode(), 0, 10).chunks()).extracting(ChunkRef::id)
                .containsExactly(chunkId(1), chunkId(2), chunkId(3));
        assertThat(chunks.layout(f.inode(), 0, 10).size()).isEqualTo(Limits.MAX_FILE_SIZE);
    }

    @Test
    void aChunkEndingAtTheLargestFileSizeCommitsAndOnePastItIsEfbig() throws Exception {
        long last = Limits.MAX_FILE_SIZE / C - 1; // the last whole chunk ends exactly at the limit
        expectEfbig(() -> chunks.commit(new Requests.Commit(f.inode(), -1, List.of(
                new Requests.CommitChunk(last + 1, chunkId(9), C, 1, 9, List.of(N1))), null)));
        expectEfbig(() -> chunks.commit(new Requests.Commit(f.inode(), Limits.MAX_FILE_SIZE + 1, List.of(), null)));
        assertKeepsItsChunks();
        Attr a = chunks.commit(new Requests.Commit(f.inode(), -1, List.of(
                new Requests.CommitChunk(last, chunkId(10), C, C, 10, List.of(N1))), null));
        assertThat(a.size()).isEqualTo(Limits.MAX_FILE_SIZE);
        assertThat(chunks.layout(f.inode(), 0, 10).chunks()).extracting(ChunkRef::id)
                .containsExactly(chunkId(1), chunkId(2), chunkId(3), chunkId(10));
    }

    @Test
    void aCommitWithASizeOrAChunkPastTheLimitIsEfbigAndTheFileKeepsItsChunks() throws Exception {
        expectEfbig(() -> chunks.commit(new Requests.Commit(f.inode(), Long.MAX_VALUE, List.of(), null)));
        long lastIndex = Long.MAX_VALUE / C;
        expectEfbig(() -> chunks.commit(new Requests.Commit(f.inode(), -1, List.of(
                new Requests.CommitChunk(lastIndex, chunkId(9), C, C, 9, List.of(N1))), null)));
        assertKeepsItsChunks();
    }
}
