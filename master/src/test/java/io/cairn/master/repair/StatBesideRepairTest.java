package io.cairn.master.repair;

import io.cairn.master.Callers;
import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Requests;
import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;
import io.cairn.master.meta.ChunkRow;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.testing.Budget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Figures, not a timed test: the latency of {@code stat} through the HTTP API (p50 and p99), with
 * an empty store and with many chunk rows while the repair loop works through them beside it
 * (every chunk has one copy more than R, so every round trims a page of them). 20,000 chunks in
 * CI, 2,000,000 under {@code bin/test --long}.
 */
@Timeout(1800)
class StatBesideRepairTest {
    private static final String[] NODES = {"00000000-0000-0000-0000-000000000001",
        "00000000-0000-0000-0000-000000000002"};
    private static final int BATCH = 20_000;
    @TempDir
    Path dir;

    private record Latency(long p50us, long p99us) {
    }

    private static Latency stats(MasterClient m, int n) throws Exception {
        for (int i = 0; i < 200; i++) { // warm up
            m.attr("/f");
        }
        long[] us = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Attr a = m.attr("/f");
            us[i] = (System.nanoTime() - t0) / 1000;
            assertThat(a.type()).isEqualTo(FileType.FILE);
        }
        Arrays.sort(us);
        return new Latency(us[n / 2], us[n * 99 / 100]);
    }

    private static MasterServer start(Path data) throws Exception {
        MasterServer m = MasterServer.start(MasterConfig.defaults(data).withPort(0).withReplication(1, 1)
                .withSafeModeTimeout(Duration.ZERO));
        return m;
    }

    /**
     * Registers the two datanodes the chunks are on (so that they count as live), then keeps them
     * live; each signs as itself.
     */
    private static Thread heartbeats(MasterServer master, String clusterId) throws Exception {
        java.util.List<MasterClient> as = new java.util.ArrayList<>();
        for (String n : NODES) {
            MasterClient m = new MasterClient(new Http(Duration.ofSeconds(30), Callers.node(master, n)), master.url());
            as.add(m);
            m.register(new Requests.Register(n, clusterId, "http://127.0.0.1:1" + n.substring(35), 1L << 40, 0, 0));
        }
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    for (int i = 0; i < NODES.length; i++) {
                        String n = NODES[i];
                        as.get(i).heartbeat(new Requests.Heartbeat(n, clusterId, "http://127.0.0.1:1" + n.substring(35),
                                1L << 40, 0, 0));
                    }
                    Thread.sleep(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.io.InterruptedIOException e) {
                Thread.currentThread().interrupt(); // stopped in the middle of a call: the test is over
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "bench-heartbeats");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static long replicaRows(Path db) throws Exception {
        try (JdbcMetadataStore s = JdbcMetadataStore.sqlite(db)) {
            return s.read(tx -> tx.countReplicasOn(NODES[0]) + tx.countReplicasOn(NODES[1]));
        }
    }

    @Test
    void statLatencyWithAnEmptyStoreAndBesideRepairOverManyChunks() throws Exception {
        int chunks = Budget.of(20_000, 2_000_000);
        int n = Budget.of(1_000, 5_000);
        Path data = dir.resolve("master");
        Latency empty;
        String clusterId;
        try (MasterServer master = start(data)) {
            clusterId = master.clusterId();
            MasterClient m = new MasterClient(new Http(Duration.ofSeconds(30), Callers.admin(master)), master.url());
            m.create("/f", FileType.FILE, 0644, 0, 0, null, true);
            empty = stats(m, n);
        }

        long t0 = System.nanoTime();
        try (JdbcMetadataStore store = JdbcMetadataStore.sqlite(data.resolve("meta.db"))) {
            for (int from = 0; from < chunks; from += BATCH) {
                int start = from;
                store.write(tx -> {
                    for (int i = start; i < Math.min(chunks, start + BATCH); i++) {
                        String id = String.format("%032x", i);
                        tx.putChunk(new ChunkRow(1_000_000 + i / 1000, i % 1000, id, 4 << 20, 4 << 20, i));
                        for (String node : NODES) {
                            tx.addReplica(id, node);
                        }
                    }
                    return null;
                });
            }
        }
        double insertSecs = (System.nanoTime() - t0) / 1e9;
        Latency busy;
        long before = replicaRows(data.resolve("meta.db"));
        try (MasterServer master = start(data)) {
            MasterClient m = new MasterClient(new Http(Duration.ofSeconds(30), Callers.admin(master)), master.url());
            Thread beats = heartbeats(master, clusterId);
            try {
                Thread.sleep(1500); // a few repair rounds have begun
                busy = stats(m, n);
            } finally {
                beats.interrupt();
            }
        }
        long trimmed = before - replicaRows(data.resolve("meta.db"));
        System.out.printf("stat over HTTP: empty store p50 %d us, p99 %d us; %,d chunks (%,d replica rows, inserted in"
                        + " %.0f s) with repair trimming beside it p50 %d us, p99 %d us (%,d copies trimmed meanwhile)%n",
                empty.p50us(), empty.p99us(), chunks, before, insertSecs, busy.p50us(), busy.p99us(), trimmed);
        assertThat(before).isEqualTo(2L * chunks);
        assertThat(trimmed).as("repair worked beside the stats").isPositive();
    }
}
