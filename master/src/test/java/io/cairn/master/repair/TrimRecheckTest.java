package io.cairn.master.repair;

import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.ChunkRow;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.MetadataStore;
import io.cairn.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A trim is checked again inside the transaction that queues the copy's deletion: a copy that was
 * surplus when repair looked, and no longer is when it trims, is kept.
 */
@Timeout(60)
class TrimRecheckTest {
    private static final String N1 = "00000000-0000-0000-0000-000000000001";
    private static final String N2 = "00000000-0000-0000-0000-000000000002";
    private static final String N3 = "00000000-0000-0000-0000-000000000003";
    private static final String X = "0000000000000000000000000000000a";
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock();
    JdbcMetadataStore store;
    /** Runs once, just before the first write transaction: what happens between repair's look and its trim. */
    volatile MetadataStore.TxBody<Void> meanwhile;

    /** The store, with {@link #meanwhile} slipped in before the first write. */
    final MetadataStore racing = new MetadataStore() {
        @Override
        public <T> T write(TxBody<T> body) throws IOException {
            TxBody<Void> m = meanwhile;
            meanwhile = null;
            if (m != null) {
                store.write(m);
            }
            return store.write(body);
        }

        @Override
        public <T> T read(TxBody<T> body) throws IOException {
            return store.read(body);
        }

        @Override
        public void barrier() throws IOException {
            store.barrier();
        }

        @Override
        public void backup(Path target) throws IOException {
            store.backup(target);
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void open() throws Exception {
        store = JdbcMetadataStore.sqlite(dir.resolve("meta.db"));
        store.write(tx -> {
            tx.putChunk(new ChunkRow(10, 0, X, 100, 100, 1));
            for (String n : new String[] {N1, N2, N3}) {
                tx.addReplica(X, n);
            }
            return null;
        });
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aCopyThatIsNoLongerSurplusWhenTrimmedIsKept() throws Exception {
        NodeRegistry nodes = new NodeRegistry(clock, Duration.ofSeconds(15), 1 << 20);
        for (String n : new String[] {N1, N2, N3}) {
            nodes.register(n, "http://127.0.0.1:1/" + n, 1L << 40, 0, 0, null);
            nodes.markReported(n);
        }
        Repair repair = new Repair(racing, nodes, clock, 2, 1 << 20, 8, Duration.ofHours(1),
                new SafeMode(nodes, clock, Duration.ZERO));
        // repair sees three copies, one more than R = 2; before it trims one, N2's copy is forgotten
        // (its full report no longer listed it)
        meanwhile = tx -> {
            tx.deleteReplica(X, N2);
            return null;
        };
        repair.runOnce();
        repair.close();
        assertThat(store.<java.util.List<String>>read(tx -> tx.replicas(X))).as("both copies left are kept").containsExactly(N1, N3);
        assertThat(store.<Object>read(tx -> tx.garbage(X, N3))).isNull();
        assertThat(store.<Object>read(tx -> tx.garbage(X, N1))).isNull();
    }
}
