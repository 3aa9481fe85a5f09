package io.cairn.it.mount;

import io.cairn.it.MiniCluster;
import io.cairn.it.Shell;
import io.cairn.testing.Eventually;
import io.cairn.testing.TestPostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mount of a cluster whose metadata is on PostgreSQL, while PostgreSQL is down: calls fail with
 * EIO within the mount's --timeout (none hangs), the mount keeps running, and once the database is
 * back the same mount works again with every file written before it intact.
 */
@Timeout(300)
class PostgresOutageMountIT {
    @Test
    void callsFailWithEioWhileTheDatabaseIsDownAndTheMountWorksAgainAfter() throws Exception {
        Mounted.assumeFuse();
        TestPostgres pg = TestPostgres.server();
        Assumptions.assumeTrue(pg.controllable(),
                "this run's PostgreSQL was not made by bin/test, so the test cannot stop and start it");
        Path work = Files.createTempDirectory("cairn-pg-outage-mount-");
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).replication(2).chunkSize(1 << 20)
                .store(MiniCluster.Store.POSTGRESQL).start();
             Mounted m = Mounted.at(work.resolve("mnt"), mc.masterUrl()).attrTimeout(Duration.ZERO)
                     .timeout(Duration.ofSeconds(5)).javaOpts("-Xmx128m").start()) {
            m.ok("head -c 300000 /dev/urandom > before && md5sum before > " + work.resolve("before.md5"));
            try {
                pg.stop();
                for (String call : new String[] {"mkdir mnt/during", "stat -c %s mnt/before", "touch mnt/before", "ls mnt"}) {
                    long t0 = System.nanoTime();
                    Shell.Result r = Shell.run(work, call); // from outside: a chdir into the mount would fail first
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(r.exit()).as("%s while PostgreSQL is down", call).isNotZero();
                    assertThat(r.err()).as(call).contains("Input/output error");
                    assertThat(ms).as("%s fails within the mount's timeout (5 s) and a margin", call).isLessThan(20_000);
                }
                assertThat(Mounted.isMounted(m.dir)).isTrue();
            } finally {
                pg.start();
            }
            Eventually.await("the mount works again once PostgreSQL is back", Duration.ofSeconds(60), Duration.ofMillis(500),
                    () -> m.sh("mkdir -p after").exit(), code -> code == 0);
            assertThat(Shell.run(m.dir, "md5sum -c " + work.resolve("before.md5")).out()).contains("before: OK");
            assertThat(m.ok("ls").out()).isEqualTo("after\nbefore\n");
            assertThat(m.stop()).isZero();
        } finally {
            Shell.run(Path.of("/"), "rm -rf " + work);
        }
    }
}
