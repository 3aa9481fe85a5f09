package io.cairn.master.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.ChunkTokens;
import io.cairn.common.security.ChunkTokens.Op;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.lease.Leases;
import io.cairn.master.membership.Membership;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.TestStores;
import io.cairn.master.namespace.ChunkLists;
import io.cairn.master.namespace.Namespace;
import io.cairn.master.replay.Replays;
import io.cairn.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every replica the master gives out carries a chunk token for that chunk on that node, under the
 * node's key: write tokens with an allocation (and with more targets for a chunk of the writer's
 * own file, never another's), read tokens with a layout.
 */
@Timeout(60)
class ChunkTokensGivenOutTest {
    private static final long C = 1 << 20;
    private static final String N1 = "00000000-0000-0000-0000-000000000001";
    private static final String N2 = "00000000-0000-0000-0000-000000000002";
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock();
    TestStores.Opened opened;
    ClusterKey key;
    ChunkLists chunks;
    Namespace ns;

    @BeforeEach
    void open() throws Exception {
        opened = TestStores.open(TestStores.Engine.SQLITE, dir);
        key = ClusterKey.openOrCreate(dir);
        NodeRegistry nodes = new NodeRegistry(clock, Duration.ofDays(30), C);
        Leases leases = new Leases(opened.store(), clock, Duration.ofMinutes(10));
        Replays replays = new Replays(opened.store(), clock);
        chunks = new ChunkLists(opened.store(), nodes, clock, C, 1, 1, leases, replays,
                new ChunkTokenMinter(key, clock));
        ns = new Namespace(opened.store(), clock, chunks, replays);
        ns.init();
        Membership members = new Membership(opened.store(), nodes, "cluster-1", clock, Duration.ofMinutes(2),
                Duration.ofHours(1), () -> false, node -> List.of(), leases, 1);
        members.register(new Requests.Register(N1, "cluster-1", "http://127.0.0.1:6001", 1L << 40, 0, 0));
        members.register(new Requests.Register(N2, "cluster-1", "http://127.0.0.1:6002", 1L << 40, 0, 0));
    }

    @AfterEach
    void close() {
        opened.close();
    }

    private void opens(Replica r, String chunk, Op... ops) throws CairnException {
        for (Op op : ops) {
            ChunkTokens.check(key.nodeKey(r.id()), r.id(), r.token(), chunk, op, clock.millis());
        }
    }

    private static void refused(ThrowingCall call, ErrorCode code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    private Attr file(String path) throws Exception {
        return ns.create(new Requests.Create(path, FileType.FILE, 0644, 0, 0, null, true));
    }

    @Test
    void anAllocationsTargetsCarryWriteTokensForItsChunkOnThatNode() throws Exception {
        Attr f = file("/f");
        Allocation a = chunks.allocate(new Requests.Allocate(f.inode(), null, null));
        Replica t = a.targets().get(0);
        opens(t, a.chunkId(), Op.READ, Op.WRITE, Op.DELETE);
        Replica other = new Replica(t.id().equals(N1) ? N2 : N1, "x", t.token());
        refused(() -> opens(other, a.chunkId(), Op.WRITE), ErrorCode.EACCES);
        Replies.Created created = ns.createForWriting(new Requests.Create("/g", FileType.FILE, 0644, 0, 0, null, true), null);
        opens(created.allocation().targets().get(0), created.allocation().chunkId(), Op.WRITE);
    }

    @Test
    void moreTargetsForAChunkOfTheFileOpenThatChunkAndNoOtherFilesChunk() throws Exception {
        Attr f = file("/f");
        Attr g = file("/g");
        Allocation a = chunks.allocate(new Requests.Allocate(f.inode(), null, null));
        Allocation more = chunks.allocate(new Requests.Allocate(f.inode(), List.of(), 1, a.chunkId(), 0L));
        opens(more.targets().get(0), a.chunkId(), Op.READ, Op.WRITE);
        refused(() -> opens(more.targets().get(0), a.chunkId(), Op.DELETE), ErrorCode.EACCES);
        // committed: still the file's at its index
        chunks.commit(new Requests.Commit(f.inode(), -1, List.of(new Requests.CommitChunk(0, a.chunkId(), 100, 100, 7,
                List.of(a.targets().get(0).id()))), null));
        Allocation copy = chunks.allocate(new Requests.Allocate(f.inode(), List.of(), 1, a.chunkId(), 0L));
        opens(copy.targets().get(0), a.chunkId(), Op.WRITE);
        // another file's chunk, or the right chunk at the wrong index: no tokens for it
        refused(() -> chunks.allocate(new Requests.Allocate(g.inode(), List.of(), 1, a.chunkId(), 0L)), ErrorCode.EACCES);
        refused(() -> chunks.allocate(new Requests.Allocate(f.inode(), List.of(), 1, a.chunkId(), 1L)), ErrorCode.EACCES);
        refused(() -> chunks.allocate(new Requests.Allocate(f.inode(), List.of(), 1, "0".repeat(32), null)),
                ErrorCode.EACCES);
    }

    @Test
    void aLayoutsReplicasCarryReadTokensThatExpire() throws Exception {
        Attr f = file("/f");
        Allocation a = chunks.allocate(new Requests.Allocate(f.inode(), null, null));
        chunks.commit(new Requests.Commit(f.inode(), -1, List.of(new Requests.CommitChunk(0, a.chunkId(), 100, 100, 7,
                List.of(N1, N2))), null));
        ChunkRef c = chunks.layout(f.inode(), 0, 10).chunks().get(0);
        assertThat(c.replicas()).extracting(Replica::id).containsExactlyInAnyOrder(N1, N2);
        for (Replica r : c.replicas()) {
            opens(r, a.chunkId(), Op.READ);
            refused(() -> opens(r, a.chunkId(), Op.WRITE), ErrorCode.EACCES);
            refused(() -> opens(r, a.chunkId(), Op.DELETE), ErrorCode.EACCES);
        }
        Replica r = c.replicas().get(0);
        clock.advance(ChunkTokens.LIFETIME.plus(ChunkTokens.SKEW).plusMillis(1));
        refused(() -> opens(r, a.chunkId(), Op.READ), ErrorCode.EAUTH);
        assertThatCode(() -> opens(chunks.layout(f.inode(), 0, 10).chunks().get(0).replicas().get(0), a.chunkId(),
                Op.READ)).as("a fresh layout, fresh tokens").doesNotThrowAnyException();
    }
}
