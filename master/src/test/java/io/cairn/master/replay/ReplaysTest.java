package io.cairn.master.replay;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.RequestId;
import io.cairn.common.wire.Requests;
import io.cairn.master.lease.Leases;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.namespace.ChunkLists;
import io.cairn.master.namespace.Namespace;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A change sent again under its request id is answered with its first answer, and made once. */
@Timeout(60)
class ReplaysTest {
    private static final long C = 1 << 20;
    private static final String N1 = "00000000-0000-0000-0000-000000000001";
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock();
    JdbcMetadataStore store;
    Replays replays;
    ChunkLists chunks;
    Namespace ns;

    private void open() throws Exception {
        store = JdbcMetadataStore.sqlite(dir.resolve("meta.db"));
        replays = new Replays(store, clock);
        chunks = new ChunkLists(store, new NodeRegistry(clock, Duration.ofSeconds(15), C), clock, C, 1, 1,
                new Leases(store, clock, Duration.ofMinutes(10)), replays);
        ns = new Namespace(store, clock, chunks, replays);
        ns.init();
    }

    @BeforeEach
    void start() throws Exception {
        open();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static void expect(ErrorCode code, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(code));
    }

    private static Requests.Mkdir mkdir(String path) {
        return new Requests.Mkdir(path, 0755, 0, 0, false);
    }

    private Attr file(String path) throws Exception {
        return ns.create(new Requests.Create(path, FileType.FILE, 0644, 0, 0, null, true));
    }

    @Test
    void aChangeSentAgainUnderItsIdGetsItsFirstAnswerInsteadOfAnError() throws Exception {
        String id = RequestId.fresh();
        Attr first = ns.mkdir(mkdir("/d"), id);
        clock.advance(Duration.ofSeconds(1));
        assertThat(ns.mkdir(mkdir("/d"), id)).isEqualTo(first);
        expect(ErrorCode.EEXIST, () -> ns.mkdir(mkdir("/d"), RequestId.fresh())); // a new call is judged anew
        String rm = RequestId.fresh();
        ns.rmdir("/d", rm);
        ns.rmdir("/d", rm); // not ENOENT: the first answer
        expect(ErrorCode.ENOENT, () -> ns.attr("/d"));
        assertThat(ns.attr("/").nlink()).isEqualTo(2);
    }

    @Test
    void aReplayAfterANewerChangeAnswersAsTheFirstTimeAndUndoesNothing() throws Exception {
        Attr f = file("/f");
        String first = RequestId.fresh();
        Attr small = chunks.commit(new Requests.Commit(f.inode(), 100, List.of(), null), first);
        chunks.commit(new Requests.Commit(f.inode(), 200, List.of(), null), RequestId.fresh()); // another writer, later
        assertThat(chunks.commit(new Requests.Commit(f.inode(), 100, List.of(), null), first)).isEqualTo(small);
        assertThat(ns.attr("/f").size()).as("the replay was not carried out again").isEqualTo(200);
    }

    @Test
    void aReplayedAllocationIsTheSameChunkWithTheSameTargets() throws Exception {
        NodeRegistry nodes = new NodeRegistry(clock, Duration.ofSeconds(15), C);
        nodes.register(N1, "http://127.0.0.1:6001", 1L << 40, 0, 0, null);
        ChunkLists placing = new ChunkLists(store, nodes, clock, C, 1, 1, new Leases(store, clock, Duration.ofMinutes(10)),
                replays);
        Attr f = file("/f");
        String id = RequestId.fresh();
        var a = placing.allocate(new Requests.Allocate(f.inode(), null, null), id);
        assertThat(placing.allocate(new Requests.Allocate(f.inode(), null, null), id)).isEqualTo(a);
        assertThat(placing.allocate(new Requests.Allocate(f.inode(), null, null), RequestId.fresh()).chunkId())
                .isNotEqualTo(a.chunkId());
    }

    @Test
    void aRefusedChangeIsNotRememberedAndIsJudgedAgainWhenSentAgain() throws Exception {
        ns.mkdir(mkdir("/d"));
        String id = RequestId.fresh();
        expect(ErrorCode.EEXIST, () -> ns.mkdir(mkdir("/d"), id));
        ns.rmdir("/d");
        assertThat(ns.mkdir(mkdir("/d"), id).type()).isEqualTo(FileType.DIR);
    }

    @Test
    void anIdSentWithAnotherOperationIsRefused() throws Exception {
        String id = RequestId.fresh();
        ns.mkdir(mkdir("/d"), id);
        expect(ErrorCode.EINVAL, () -> ns.unlink("/d", id));
        assertThat(ns.attr("/d").type()).isEqualTo(FileType.DIR);
    }

    @Test
    void answersOutliveARestartOfTheMaster() throws Exception {
        String id = RequestId.fresh();
        Attr first = ns.mkdir(mkdir("/d"), id);
        store.close();
        open();
        assertThat(ns.mkdir(mkdir("/d"), id)).isEqualTo(first);
    }

    @Test
    void theSweepForgetsAnswersOlderThanTheirKeepingTime() throws Exception {
        String id = RequestId.fresh();
        ns.mkdir(mkdir("/d"), id);
        clock.advance(Replays.KEEP.minusSeconds(1));
        assertThat(replays.sweep()).isZero();
        assertThat(ns.mkdir(mkdir("/d"), id).type()).isEqualTo(FileType.DIR);
        clock.advance(Duration.ofSeconds(2));
        assertThat(replays.sweep()).isEqualTo(1);
        expect(ErrorCode.EEXIST, () -> ns.mkdir(mkdir("/d"), id));
    }

    @Test
    void theSweepKeepsAtMostTheNewestAnswers() throws Exception {
        long t = clock.millis();
        store.write(tx -> {
            for (int i = 0; i < Replays.MAX_ANSWERS + 10; i++) {
                tx.putAnswer(String.format("%032x", i), "mkdir", "{}", t - Replays.MAX_ANSWERS - 10 + i);
            }
            return null;
        });
        assertThat(replays.sweep()).isEqualTo(10);
        assertThat(store.<Object>read(tx -> tx.answer(String.format("%032x", 9)))).as("among the oldest").isNull();
        assertThat(store.<Object>read(tx -> tx.answer(String.format("%032x", 10)))).isNotNull();
    }
}
