package io.cairn.master.membership;

import io.cairn.common.wire.Requests;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.MetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No deletion leaves the master before the transactions that made its garbage are behind a barrier:
 * a heartbeat that hands out deletions runs one after its transaction, before it answers; one with
 * nothing to delete runs none.
 */
@Timeout(60)
class DeletionBarrierTest {
    private static final String N1 = "00000000-0000-0000-0000-000000000001";
    private static final String X = "0123456789abcdef0123456789abcdef";
    private static final Duration GRACE = Duration.ofHours(1);
    @TempDir
    Path dir;
    OrphansTest.ManualClock clock = new OrphansTest.ManualClock();
    JdbcMetadataStore real;
    Recording store;
    Membership members;

    /** The real store, recording the order of writes and barriers. */
    static final class Recording implements MetadataStore {
        private final MetadataStore inner;
        final List<String> calls = new ArrayList<>();

        Recording(MetadataStore inner) {
            this.inner = inner;
        }

        @Override
        public <T> T write(TxBody<T> body) throws IOException {
            T t = inner.write(body);
            calls.add("write");
            return t;
        }

        @Override
        public <T> T read(TxBody<T> body) throws IOException {
            return inner.read(body);
        }

        @Override
        public void barrier() throws IOException {
            inner.barrier();
            calls.add("barrier");
        }

        @Override
        public void backup(Path target) throws IOException {
            inner.backup(target);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @BeforeEach
    void open() throws Exception {
        real = JdbcMetadataStore.sqlite(dir.resolve("meta.db"));
        store = new Recording(real);
        members = new Membership(store, new NodeRegistry(clock, Duration.ofSeconds(15), 1 << 20), "cluster-1", clock,
                Duration.ofMinutes(2), GRACE, () -> false, node -> List.of());
        members.register(new Requests.Register(N1, "cluster-1", "http://127.0.0.1:6001", 1L << 30, 0, 1));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<String> heartbeat() throws Exception {
        store.calls.clear();
        return members.heartbeat(new Requests.Heartbeat(N1, "cluster-1", "http://127.0.0.1:6001", 1L << 30, 0, 1))
                .deleteChunks();
    }

    @Test
    void aHeartbeatThatHandsOutADeletionAnswersOnlyAfterABarrier() throws Exception {
        members.report(new Requests.ChunkReport(N1, "cluster-1", List.of(X), true));
        clock.advance(GRACE);
        assertThat(heartbeat()).containsExactly(X);
        assertThat(store.calls).as("the hand-out's transaction, then the barrier").containsExactly("write", "barrier");
    }

    @Test
    void aHeartbeatWithNothingToDeleteRunsNoBarrier() throws Exception {
        members.report(new Requests.ChunkReport(N1, "cluster-1", List.of(X), true));
        assertThat(heartbeat()).isEmpty();
        assertThat(store.calls).containsExactly("write");
    }
}
