package io.cairn.master.namespace;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Limits;
import io.cairn.common.wire.Requests;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.SliceRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Slices in the master's chunk lists, on a real SQLite store: a slice lies over its chunk in commit
 * order, a commit of it again adds replicas only, a rewrite of the chunk or a compaction folds them
 * (to garbage), a stale compaction changes nothing, a truncate shortens and drops them, a delete
 * collects them, and a chunk carries at most {@link Limits#MAX_SLICES}.
 */
class SlicesTest {
    private static final long C = 1 << 20;
    private static final String N1 = "00000000-0000-0000-0000-000000000001";
    private static final String N2 = "00000000-0000-0000-0000-000000000002";
    @TempDir
    Path dir;
    JdbcMetadataStore store;
    Namespace ns;
    ChunkLists chunks;
    Clock clock = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC);
    Attr f;
    int nextId = 1;

    @BeforeEach
    void open() throws Exception {
        store = JdbcMetadataStore.sqlite(dir.resolve("meta.db"));
        chunks = new ChunkLists(store, new NodeRegistry(clock, Duration.ofSeconds(15), C), clock, C, 2, 1);
        ns = new Namespace(store, clock, chunks);
        ns.init();
        f = ns.create(new Requests.Create("/f", FileType.FILE, 0644, 0, 0, null, true));
        commit(2 * C, new Requests.CommitChunk(0, leased(), C, C, 1, List.of(N1)),
                new Requests.CommitChunk(1, leased(), C, C, 2, List.of(N1)));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A fresh chunk id leased to the file, as POST /fs/allocate grants it. */
    private String leased() throws Exception {
        String id = String.format("%032x", nextId++);
        store.write(tx -> {
            tx.putLease(id, f.inode(), Long.MAX_VALUE);
            return null;
        });
        return id;
    }

    private Attr commit(long size, Requests.CommitChunk... list) throws Exception {
        return chunks.commit(new Requests.Commit(f.inode(), size, List.of(list), null));
    }

    private static Requests.CommitChunk slice(long index, String id, int at, long length) {
        return new Requests.CommitChunk(index, id, length, length, 7, List.of(N1), at, null);
    }

    private ChunkRef chunk(long index) throws Exception {
        FileLayout l = chunks.layout(f.inode(), index, 1);
        return l.chunks().stream().filter(c -> c.index() == index).findFirst().orElse(null);
    }

    private List<String> garbage() throws Exception {
        return store.read(tx -> tx.queuedGarbage(N1, Long.MAX_VALUE, 1000));
    }

    private List<SliceRow> rows() throws Exception {
        return store.read(tx -> tx.slices(f.inode(), 0, Long.MAX_VALUE, 10_000));
    }

    private static void expect(ErrorCode code, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(code));
    }

    @Test
    void slicesLieOverTheirChunkInCommitOrderAndACommitAgainOnlyAddsReplicas() throws Exception {
        String a = leased();
        String b = leased();
        commit(-1, slice(1, a, 4096, 4096));
        commit(-1, slice(1, b, 0, 8192));
        ChunkRef c = chunk(1);
        assertThat(c.sliceList()).extracting(ChunkRef::id).containsExactly(a, b);
        assertThat(c.sliceList()).extracting(ChunkRef::at).containsExactly(4096, 0);
        assertThat(c.sliceList().get(0).replicas()).extracting(r -> r.id()).containsExactly(N1);
        assertThat(chunk(0).slices()).isNull();

        commit(-1, new Requests.CommitChunk(1, a, 4096, 4096, 7, List.of(N2), 4096, null));
        assertThat(chunk(1).sliceList()).extracting(ChunkRef::id).containsExactly(a, b); // not a third slice
        List<String> on = store.read(tx -> tx.replicas(a));
        assertThat(on).containsExactlyInAnyOrder(N1, N2);
        boolean used = store.read(tx -> tx.chunkExists(a));
        assertThat(used).isTrue(); // so no report takes it for an orphan
    }

    @Test
    void aSliceGrowsTheFileAndASliceWithNoLeaseOrPastTheChunkIsRefused() throws Exception {
        String a = leased();
        Attr after = commit(-1, slice(1, a, (int) (C - 4096), 4096));
        assertThat(after.size()).isEqualTo(2 * C);
        expect(ErrorCode.ESTALE, () -> commit(-1, slice(1, String.format("%032x", 999), 0, 10)));
        expect(ErrorCode.EINVAL, () -> commit(-1, slice(1, leased(), (int) (C - 10), 11)));
        expect(ErrorCode.EINVAL, () -> commit(-1, slice(1, leased(), -1, 11)));
        assertThat(rows()).hasSize(1);
    }

    @Test
    void aRewriteOfTheChunkSendsItsSlicesToGarbage() throws Exception {
        String a = leased();
        String b = leased();
        commit(-1, slice(0, a, 0, 100), slice(0, b, 100, 100));
        String base0 = chunk(0).id();
        String fresh = leased();
        commit(-1, new Requests.CommitChunk(0, fresh, C, C, 3, List.of(N1)));
        assertThat(chunk(0).id()).isEqualTo(fresh);
        assertThat(chunk(0).slices()).isNull();
        assertThat(rows()).isEmpty();
        assertThat(garbage()).contains(a, b, base0);
    }

    @Test
    void aCompactionFoldsWhatItReadAndKeepsSlicesLaidOnSince() throws Exception {
        String a = leased();
        String b = leased();
        commit(-1, slice(1, a, 0, 100), slice(1, b, 200, 100));
        ChunkRef before = chunk(1);
        String later = leased();
        commit(-1, slice(1, later, 50, 10)); // written while the compaction ran
        String merged = leased();
        List<Requests.Fold> folds = List.of(new Requests.Fold(before.id(), before.length()),
                new Requests.Fold(a, 100), new Requests.Fold(b, 100));
        commit(-1, new Requests.CommitChunk(1, merged, C, C, 5, List.of(N1, N2), null, folds));
        ChunkRef now = chunk(1);
        assertThat(now.id()).isEqualTo(merged);
        assertThat(now.sliceList()).extracting(ChunkRef::id).containsExactly(later);
        assertThat(garbage()).contains(before.id(), a, b).doesNotContain(later, merged);
    }

    @Test
    void aCompactionOfWhatChangedSinceIsStaleAndChangesNothing() throws Exception {
        String a = leased();
        commit(-1, slice(1, a, 0, 100));
        ChunkRef before = chunk(1);
        ns.setAttr(new Requests.SetAttr("/f", null, null, null, null, C + 50, null, null)); // shortens a
        String merged = leased();
        expect(ErrorCode.ESTALE, () -> commit(-1, new Requests.CommitChunk(1, merged, C, C, 5, List.of(N1), null,
                List.of(new Requests.Fold(before.id(), before.length()), new Requests.Fold(a, 100)))));
        expect(ErrorCode.ESTALE, () -> commit(-1, new Requests.CommitChunk(1, merged, 50, 50, 5, List.of(N1), null,
                List.of(new Requests.Fold(before.id(), 50), new Requests.Fold(a, 100))))); // the slice is 50 long now
        assertThat(chunk(1).id()).isEqualTo(before.id());
        assertThat(chunk(1).sliceList()).extracting(ChunkRef::id).containsExactly(a);
    }

    @Test
    void aTruncateShortensTheSlicesItCutsAndDropsThoseItPasses() throws Exception {
        String a = leased();
        String b = leased();
        String c = leased();
        commit(-1, slice(1, a, 0, 100), slice(1, b, 150, 100), slice(1, c, 300, 100));
        ns.setAttr(new Requests.SetAttr("/f", null, null, null, null, C + 200, null, null));
        ChunkRef now = chunk(1);
        assertThat(now.length()).isEqualTo(200);
        assertThat(now.sliceList()).extracting(ChunkRef::id).containsExactly(a, b);
        assertThat(now.sliceList()).extracting(ChunkRef::length).containsExactly(100L, 50L);
        assertThat(garbage()).contains(c).doesNotContain(a, b);

        ns.setAttr(new Requests.SetAttr("/f", null, null, null, null, C, null, null)); // chunk 1 is gone
        assertThat(rows()).isEmpty();
        assertThat(garbage()).contains(a, b, c);
        expect(ErrorCode.ESTALE, () -> commit(-1, slice(1, leased(), 0, 10))); // nothing left to lie over
    }

    @Test
    void oneBlobMayHoldSeveralSlicesAndIsGarbageOnlyOnceNoneIsLeft() throws Exception {
        String blob = leased();
        commit(-1, new Requests.CommitChunk(1, blob, 300, 100, 7, List.of(N1), 0, null, null),
                new Requests.CommitChunk(1, blob, 300, 200, 7, List.of(N1), 500, null, 100));
        ChunkRef c = chunk(1);
        assertThat(c.sliceList()).extracting(ChunkRef::at).containsExactly(0, 500);
        assertThat(c.sliceList()).extracting(ChunkRef::blobOffset).containsExactly(0, 100);
        assertThat(c.sliceList()).extracting(ChunkRef::size).containsExactly(300L, 300L);
        expect(ErrorCode.EINVAL, () -> commit(-1, new Requests.CommitChunk(1, leased(), 300, 200, 7, List.of(N1), 0,
                null, 101))); // past its blob's end

        ns.setAttr(new Requests.SetAttr("/f", null, null, null, null, C + 400, null, null)); // drops the second
        assertThat(chunk(1).sliceList()).extracting(ChunkRef::at).containsExactly(0);
        assertThat(garbage()).doesNotContain(blob); // the first still uses it
        ns.setAttr(new Requests.SetAttr("/f", null, null, null, null, C, null, null));
        assertThat(garbage()).contains(blob);
    }

    @Test
    void aDeletedFileSendsItsSlicesToGarbage() throws Exception {
        String a = leased();
        commit(-1, slice(0, a, 10, 10));
        ns.unlink("/f");
        assertThat(rows()).isEmpty();
        assertThat(garbage()).contains(a);
    }

    @Test
    void aChunkCarriesAtMostTheLimitOfSlices() throws Exception {
        for (int i = 0; i < Limits.MAX_SLICES; i += 32) {
            Requests.CommitChunk[] batch = new Requests.CommitChunk[32];
            for (int j = 0; j < 32; j++) {
                batch[j] = slice(0, leased(), (i + j) * 16, 16);
            }
            commit(-1, batch);
        }
        expect(ErrorCode.EFBIG, () -> commit(-1, slice(0, leased(), 0, 16)));
        assertThat(rows()).hasSize(Limits.MAX_SLICES);
        FileLayout page = chunks.layout(f.inode(), 0, 10);
        assertThat(page.chunks().get(0).sliceList()).hasSize(Limits.MAX_SLICES);
    }
}
