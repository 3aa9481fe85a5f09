package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Requests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link FileChunks#sync}: durable on R live replicas, not only on those that took a chunk. A
 * replica that cannot sync (here: node n2, as if it died after taking the chunks) is made up for
 * by a new synced copy, and the file's chunk list learns of it.
 */
@Timeout(30)
class FileChunksSyncTest {
    private static final int CS = 10;
    private static final long INODE = 7;
    private final MemoryChunkService cluster = new MemoryChunkService(CS);
    private final List<Attr> heard = new CopyOnWriteArrayList<>();
    private final FileChunks chunks = new FileChunks(cluster, INODE, CS, heard::add);

    FileChunksSyncTest() {
        cluster.targets = List.of(MemoryChunkService.NODE, MemoryChunkService.NODE2); // R = 2
    }

    private static byte[] bytes(int seed) {
        byte[] b = new byte[CS];
        for (int i = 0; i < CS; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private static List<String> ids(List<Replica> replicas) {
        return replicas.stream().map(Replica::id).toList();
    }

    @Test
    void aCommittedChunkThatAReplicaCouldNotSyncIsCopiedAndCommittedAgainWithItsNewReplica() throws Exception {
        ChunkRef a = chunks.upload(0, bytes(1), CS, false);
        ChunkRef b = chunks.upload(1, bytes(2), 4, false);
        chunks.commit(() -> CS + 4);
        cluster.syncFails.add("n2");

        chunks.sync();

        assertThat(cluster.copied).extracting(d -> d.chunk().id()).containsExactly(a.id(), b.id());
        assertThat(cluster.copied).allSatisfy(d -> assertThat(ids(d.on())).containsExactly("n1"));
        Requests.Commit again = cluster.commits.get(1);
        assertThat(again.size()).as("the size stays as it is").isEqualTo(-1);
        assertThat(again.chunks()).containsExactly(
                new Requests.CommitChunk(0, a.id(), CS, CS, a.crc32c(), List.of("n1", "n3")),
                new Requests.CommitChunk(1, b.id(), 4, 4, b.crc32c(), List.of("n1", "n3")));
        assertThat(chunks.unsynced()).isEmpty();
        assertThat(cluster.layout(INODE, 0, 10).chunks()).allSatisfy(c -> assertThat(ids(c.replicas()))
                .contains("n1", "n3"));
        assertThat(heard).hasSize(2);
    }

    @Test
    void whenEveryReplicaSyncsNothingIsCopiedOrCommittedAgain() throws Exception {
        chunks.upload(0, bytes(3), CS, false);
        chunks.commit(() -> CS);
        chunks.sync();
        assertThat(cluster.copied).isEmpty();
        assertThat(cluster.commits).hasSize(1);
        assertThat(chunks.unsynced()).isEmpty();
    }

    @Test
    void anUncommittedChunkTakesItsNewReplicasToItsOwnCommit() throws Exception {
        ChunkRef a = chunks.upload(0, bytes(4), CS, false);
        cluster.syncFails.add("n2");
        chunks.sync();
        assertThat(cluster.commits).as("nothing committed early").isEmpty();
        chunks.commit(() -> CS);
        assertThat(cluster.commits.get(0).chunks()).containsExactly(
                new Requests.CommitChunk(0, a.id(), CS, CS, a.crc32c(), List.of("n1", "n3")));
    }

    @Test
    void aChunkTheFileNoLongerHoldsIsNeitherCopiedNorCommittedAgain() throws Exception {
        chunks.upload(0, bytes(5), CS, false);
        chunks.commit(() -> CS);
        // another writer (another mount) replaced chunk 0 since
        FileChunks other = new FileChunks(cluster, INODE, CS, attr -> { });
        ChunkRef theirs = other.upload(0, bytes(6), CS, true);
        other.commit(() -> CS);
        cluster.syncFails.add("n2");

        chunks.sync();

        assertThat(cluster.copied).isEmpty();
        assertThat(cluster.commits).hasSize(2);
        assertThat(cluster.layout(INODE, 0, 1).chunks().get(0).id()).isEqualTo(theirs.id());
        assertThat(chunks.unsynced()).isEmpty();
    }

    @Test
    void aChunkWithNoDurableCopyLeftFailsTheSyncAndStaysUnsyncedForTheNextOne() throws Exception {
        ChunkRef a = chunks.upload(0, bytes(7), CS, false);
        chunks.commit(() -> CS);
        cluster.syncFails.add("n1");
        cluster.syncFails.add("n2");

        assertThatThrownBy(chunks::sync).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.EIO));
        assertThat(chunks.unsynced()).containsExactly(a);

        cluster.syncFails.clear(); // the datanodes answer again
        chunks.sync();
        assertThat(chunks.unsynced()).isEmpty();
    }
}
