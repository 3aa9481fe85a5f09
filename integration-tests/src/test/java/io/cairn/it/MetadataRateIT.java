package io.cairn.it;

import io.cairn.common.client.Cluster;
import io.cairn.common.client.MasterClient;
import io.cairn.common.wire.FileType;
import io.cairn.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metadata operations per second from 8 clients, on SQLite and on PostgreSQL in the same run: each
 * client makes, stats, renames and removes files in a directory of its own and in one they share,
 * through the master's HTTP API. Every operation must succeed; the rates are printed (the README's
 * figure) and must both be real work (more than a few operations a second).
 */
@Timeout(300)
class MetadataRateIT {
    private static final int CLIENTS = 8;
    private static final Duration RUN = Duration.ofSeconds(Boolean.getBoolean("cairn.long") ? 30 : 8);

    private static double rate(MiniCluster.Store store) throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(1).replication(1).store(store).start();
             Cluster c = new Cluster(mc.masterUrl(), Duration.ofSeconds(30), mc.credentials())) {
            MasterClient m = c.master();
            m.mkdir("/shared", 0755, 0, 0, false);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                long end = System.nanoTime() + RUN.toNanos();
                List<Future<Long>> counts = new ArrayList<>();
                for (int t = 0; t < CLIENTS; t++) {
                    int id = t;
                    counts.add(pool.submit(() -> {
                        String own = "/c" + id;
                        m.mkdir(own, 0755, 0, 0, false);
                        long ops = 1;
                        for (int i = 0; System.nanoTime() < end; i++) {
                            String dir = i % 2 == 0 ? own : "/shared";
                            String a = dir + "/f" + id + "-" + i;
                            m.create(a, FileType.FILE, 0644, 0, 0, null, true);
                            m.attr(a);
                            m.rename(a, a + "-r", true);
                            m.list(dir, null, 100);
                            m.unlink(a + "-r");
                            ops += 5;
                        }
                        return ops;
                    }));
                }
                long total = 0;
                for (Future<Long> f : counts) {
                    total += f.get(RUN.toSeconds() + 120, TimeUnit.SECONDS);
                }
                return total / (RUN.toMillis() / 1000.0);
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void eightClientsRunMetadataOperationsOnSqliteAndOnPostgres() throws Exception {
        TestPostgres.server(); // skips (or, where required, fails) without a PostgreSQL
        double sqlite = rate(MiniCluster.Store.SQLITE);
        double postgres = rate(MiniCluster.Store.POSTGRESQL);
        System.out.printf("metadata rate: %d clients, %d s each: SQLite %.0f ops/s, PostgreSQL %.0f ops/s%n", CLIENTS,
                RUN.toSeconds(), sqlite, postgres);
        assertThat(sqlite).isGreaterThan(20);
        assertThat(postgres).isGreaterThan(20);
    }
}
