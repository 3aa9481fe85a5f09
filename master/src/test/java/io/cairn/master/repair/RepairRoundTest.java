package io.cairn.master.repair;

import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.ChunkRow;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A repair round does a bounded amount of work, whatever the number of chunks: it looks at the
 * next page of chunk ids after a cursor, and the cursor wraps around, so every chunk is looked at
 * again on the next pass.
 */
@Timeout(120)
class RepairRoundTest {
    private static final String[] NODES = {"00000000-0000-0000-0000-000000000001",
        "00000000-0000-0000-0000-000000000002", "00000000-0000-0000-0000-000000000003"};
    private static final int CHUNKS = 25_000;
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock(Instant.parse("2026-11-24T10:00:00Z"));
    JdbcMetadataStore store;
    NodeRegistry nodes;
    Repair repair;

    private static String id(int n) {
        return String.format("%032x", n);
    }

    @BeforeEach
    void open() throws Exception {
        store = JdbcMetadataStore.sqlite(dir.resolve("meta.db"));
        nodes = new NodeRegistry(clock, Duration.ofSeconds(15), 1 << 20);
        for (String n : NODES) {
            nodes.register(n, "http://127.0.0.1:1/" + n, 1L << 40, 0, 0, null);
            nodes.markReported(n);
        }
        repair = new Repair(store, nodes, clock, 2, 1 << 20, 8, Duration.ofHours(1),
                new SafeMode(nodes, clock, Duration.ZERO));
        // every chunk on all three nodes, one more than R = 2: each round trims what it looks at
        store.write(tx -> {
            for (int i = 0; i < CHUNKS; i++) {
                tx.putChunk(new ChunkRow(10 + i, 0, id(i), 100, 100, i));
                for (String n : NODES) {
                    tx.addReplica(id(i), n);
                }
            }
            return null;
        });
    }

    @AfterEach
    void close() {
        repair.close();
        store.close();
    }

    private long replicaRows() throws Exception {
        return store.read(tx -> {
            long n = 0;
            for (String node : NODES) {
                n += tx.countReplicasOn(node);
            }
            return n;
        });
    }

    @Test
    void oneRoundLooksAtAPageOfChunksAndTheCursorGoesOnFromThereAndWrapsAround() throws Exception {
        repair.runOnce();
        long trimmed = 3L * CHUNKS - replicaRows();
        assertThat(trimmed).as("one round trims some surplus, not all of it").isPositive().isLessThan(CHUNKS);
        int rounds = 1;
        while (replicaRows() > 2L * CHUNKS && rounds < 100) {
            repair.runOnce();
            rounds++;
        }
        assertThat(replicaRows()).as("a few rounds trim every surplus copy").isEqualTo(2L * CHUNKS);
        assertThat(rounds).isGreaterThan(1);
        // a chunk behind the cursor gains a surplus copy: the next pass, after the wrap, trims it
        store.write(tx -> {
            for (String n : NODES) {
                tx.addReplica(id(0), n);
            }
            return null;
        });
        for (int i = 0; i < rounds + 1 && replicaRows() > 2L * CHUNKS; i++) {
            repair.runOnce();
        }
        assertThat(replicaRows()).isEqualTo(2L * CHUNKS);
    }

    @Test
    void aWholeSweepCountsTheChunksThatLackCopiesAndTheStatusPageNamesTheirFiles() throws Exception {
        // chunk 1 (first page) keeps one copy, chunk 20000 (third page) none; chunk 1 is the file /d/f
        store.write(tx -> {
            tx.deleteReplica(id(1), NODES[1]);
            tx.deleteReplica(id(1), NODES[2]);
            for (String n : NODES) {
                tx.deleteReplica(id(20_000), n);
            }
            tx.insertEntry(io.cairn.master.namespace.Namespace.ROOT, "d", 5);
            tx.insertEntry(5, "f", 11);
            return null;
        });
        repair.runOnce();
        assertThat(repair.health().complete()).as("one page of three: no whole sweep yet").isFalse();
        assertThat(repair.health().underReplicated()).isEqualTo(1);
        repair.runOnce();
        repair.runOnce();
        Repair.Health h = repair.health();
        assertThat(h.complete()).isTrue();
        assertThat(h.pages()).isEqualTo(3);
        assertThat(h.underReplicated()).isEqualTo(1);
        assertThat(h.missing()).isEqualTo(1);
        assertThat(h.affected()).containsExactly(id(1), id(20_000));
        assertThat(repair.copiesOrdered()).as("a copy of chunk 1 is ordered; chunk 20000 has no source").isEqualTo(1);
        io.cairn.master.cluster.ClusterAdmin admin = new io.cairn.master.cluster.ClusterAdmin(store, nodes, null, null,
                new io.cairn.master.cluster.ClusterAdmin.Facts("c", "v", 1 << 20, 2, 1), dir);
        assertThat(admin.pathsOf(h.affected())).containsExactly("/d/f", "(unlinked inode 20010)");
    }
}
