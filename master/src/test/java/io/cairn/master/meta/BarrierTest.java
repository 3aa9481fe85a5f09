package io.cairn.master.meta;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's barrier on a real SQLite file. Each sync it does commits one small transaction with a
 * full sync, which counts in the {@code barrier} row of {@code meta}: so these tests see how many
 * syncs ran (the strace test of the master process sees the fsync calls themselves).
 */
@Timeout(60)
class BarrierTest {
    @TempDir
    Path dir;
    JdbcMetadataStore store;

    @BeforeEach
    void open() throws Exception {
        store = JdbcMetadataStore.sqlite(dir.resolve("meta.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private long syncs() throws Exception {
        String v = store.read(tx -> tx.meta("barrier"));
        return v == null ? 0 : Long.parseLong(v);
    }

    private void change(String value) throws Exception {
        store.write(tx -> {
            tx.setMeta("test", value);
            return null;
        });
    }

    @Test
    void theFirstBarrierOfAStoreSyncsEvenWithNothingCommittedSinceItOpened() throws Exception {
        store.barrier(); // an earlier run's commits (a crashed master's) may not be on the disk yet
        assertThat(syncs()).isEqualTo(1);
    }

    @Test
    void aBarrierAfterACommitSyncsAndOneWithNothingNewCommittedDoesNot() throws Exception {
        store.barrier();
        change("a");
        store.barrier();
        assertThat(syncs()).isEqualTo(2);
        store.barrier();
        store.barrier();
        assertThat(syncs()).as("nothing was committed since the last sync").isEqualTo(2);
        change("b");
        store.barrier();
        assertThat(syncs()).isEqualTo(3);
    }

    @Test
    void concurrentBarriersAfterOneCommitShareOneSync() throws Exception {
        store.barrier();
        change("a");
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                done.add(pool.submit(() -> {
                    go.await();
                    store.barrier();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(syncs()).as("one sync for the 8 callers").isEqualTo(2);
    }
}
