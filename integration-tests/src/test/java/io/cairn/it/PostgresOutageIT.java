package io.cairn.it;

import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.DirEntry;
import io.cairn.common.wire.FileType;
import io.cairn.testing.Eventually;
import io.cairn.testing.TestPostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stopped and started again under load, with a master on it: calls made while it is
 * down fail soon with EIO saying the metadata store is unavailable (none waits for it), the master
 * carries on by itself once it is back (no restart), and every create it acknowledged is there.
 */
@Timeout(240)
class PostgresOutageIT {
    private static final int WRITERS = 4;
    /** The longest a call may take while the database is down: the pool's connection timeout and a margin. */
    private static final long NO_HANG_MS = 15_000;

    /** What one call answered, and how long it took. */
    private record Outcome(String name, boolean ok, ErrorCode code, String message, long millis, long at) {
    }

    @Test
    void aPostgresRestartUnderLoadGivesErrorsWhileDownRecoversByItselfAndLosesNothingAcknowledged() throws Exception {
        TestPostgres pg = TestPostgres.server();
        Assumptions.assumeTrue(pg.controllable(),
                "this run's PostgreSQL was not made by bin/test, so the test cannot stop and start it");
        try (MiniCluster mc = MiniCluster.builder().datanodes(1).replication(1).store(MiniCluster.Store.POSTGRESQL).start()) {
            MasterClient master = mc.client().master();
            master.mkdir("/load", 0755, 0, 0, false);
            ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<?>> writers = new ArrayList<>();
            try {
                for (int w = 0; w < WRITERS; w++) {
                    int id = w;
                    writers.add(pool.submit(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            String name = "w" + id + "-" + i;
                            long t0 = System.nanoTime();
                            try {
                                master.create("/load/" + name, FileType.FILE, 0644, 0, 0, null, true);
                                outcomes.add(new Outcome(name, true, null, null, ms(t0), System.nanoTime()));
                            } catch (CairnException e) {
                                outcomes.add(new Outcome(name, false, e.code(), e.getMessage(), ms(t0), System.nanoTime()));
                                pause(100);
                            } catch (IOException e) {
                                outcomes.add(new Outcome(name, false, null, e.toString(), ms(t0), System.nanoTime()));
                                pause(100);
                            }
                        }
                        return null;
                    }));
                }
                Thread.sleep(2_000);
                pg.stop();
                long down = System.nanoTime();
                Thread.sleep(8_000);
                pg.start();
                long up = System.nanoTime();
                Eventually.await("creates succeed again after PostgreSQL is back", Duration.ofSeconds(60),
                        Duration.ofMillis(200), () -> outcomes.stream().filter(o -> o.ok() && o.at() > up).count(),
                        n -> n >= 20);
                stop.set(true);
                for (Future<?> f : writers) {
                    f.get(60, TimeUnit.SECONDS);
                }

                List<Outcome> all = new ArrayList<>(outcomes);
                List<Outcome> failed = all.stream().filter(o -> !o.ok()).toList();
                assertThat(all.stream().filter(o -> o.ok() && o.at() < down).count()).as("load before the stop").isPositive();
                assertThat(failed).as("calls failed while PostgreSQL was down").isNotEmpty();
                assertThat(failed).allSatisfy(o -> {
                    assertThat(o.code()).as("%s", o.message()).isIn(ErrorCode.EIO, ErrorCode.EEXIST);
                    assertThat(o.millis()).as("no call waits for the database: %s", o.message()).isLessThan(NO_HANG_MS);
                });
                assertThat(failed.stream().filter(o -> o.message() != null && o.message().contains("metadata store unavailable")))
                        .as("the error says what is wrong: %s", failed.get(0).message()).isNotEmpty();

                Set<String> listed = new HashSet<>();
                for (DirEntry e : master.listAll("/load")) {
                    listed.add(e.name());
                }
                List<String> acknowledged = all.stream().filter(Outcome::ok).map(Outcome::name).toList();
                assertThat(listed).as("every acknowledged create is kept").containsAll(acknowledged);
            } finally {
                stop.set(true);
                pool.shutdownNow();
                pool.awaitTermination(30, TimeUnit.SECONDS);
                pg.start(); // whatever happened, the next tests have their database
            }
        }
    }

    private static long ms(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
