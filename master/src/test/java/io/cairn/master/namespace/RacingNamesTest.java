package io.cairn.master.namespace;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Requests;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.MetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two writers make the same name at the same moment, on one store (two threads) and on two stores
 * over one SQLite file (as two masters would): one wins, the other gets EEXIST, never EIO; a
 * non-exclusive create returns the one file both asked for.
 */
@Timeout(180)
class RacingNamesTest {
    private static final long C = 1 << 20;
    private static final int ROUNDS = 300;
    @TempDir
    Path dir;
    private final List<MetadataStore> stores = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void close() throws Exception {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        stores.forEach(MetadataStore::close);
        closeDatabase();
    }

    /** After the stores: drops the test's database where there is one to drop. */
    void closeDatabase() {
    }

    private Namespace namespace(MetadataStore store) throws IOException {
        Clock clock = Clock.systemUTC();
        Namespace ns = new Namespace(store, clock, new ChunkLists(store, new NodeRegistry(clock, Duration.ofSeconds(15), C),
                clock, C, 2, 1));
        ns.init();
        return ns;
    }

    private MetadataStore open() throws IOException {
        MetadataStore s = newStore();
        stores.add(s);
        return s;
    }

    /** Another store on the test's database (SQLite here; PostgreSQL in {@link RacingNamesOnPostgresTest}). */
    MetadataStore newStore() throws IOException {
        return JdbcMetadataStore.sqlite(dir.resolve("meta.db"));
    }

    private enum Op { MKDIR, CREATE, SYMLINK, LINK, RENAME, OPEN }

    /** One side's attempt at making {@code name}: "ok", "ok <inode>" for OPEN, or the error code. */
    private static String make(Namespace ns, Op op, String name, String side) {
        try {
            switch (op) {
                case MKDIR -> ns.mkdir(new Requests.Mkdir(name, 0755, 0, 0, false));
                case CREATE -> ns.create(new Requests.Create(name, FileType.FILE, 0644, 0, 0, null, true));
                case SYMLINK -> ns.symlink(new Requests.Symlink(name, "somewhere", 0, 0));
                case LINK -> ns.link(new Requests.Link("/target", name));
                case RENAME -> ns.rename(new Requests.Rename(name + "-" + side, name, true));
                case OPEN -> {
                    return "ok " + ns.create(new Requests.Create(name, FileType.FILE, 0644, 0, 0, null, false)).inode();
                }
                default -> throw new IllegalStateException();
            }
            return "ok";
        } catch (CairnException e) {
            return e.code().name() + (e.code() == ErrorCode.EEXIST ? "" : ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    private void race(Namespace a, Namespace b) throws Exception {
        a.create(new Requests.Create("/target", FileType.FILE, 0644, 0, 0, null, true));
        CyclicBarrier start = new CyclicBarrier(2);
        for (int i = 0; i < ROUNDS; i++) {
            Op op = Op.values()[i % Op.values().length];
            String name = "/n" + i;
            if (op == Op.RENAME) {
                a.create(new Requests.Create(name + "-a", FileType.FILE, 0644, 0, 0, null, true));
                a.create(new Requests.Create(name + "-b", FileType.FILE, 0644, 0, 0, null, true));
            }
            Future<String> fa = pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                return make(a, op, name, "a");
            });
            Future<String> fb = pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                return make(b, op, name, "b");
            });
            String ra = fa.get(30, TimeUnit.SECONDS);
            String rb = fb.get(30, TimeUnit.SECONDS);
            if (op == Op.OPEN) {
                assertThat(ra).as("round %d (%s)", i, op).startsWith("ok ").isEqualTo(rb);
            } else {
                assertThat(List.of(ra, rb)).as("round %d (%s)", i, op).containsExactlyInAnyOrder("ok", "EEXIST");
            }
        }
    }

    @Test
    void twoThreadsMakingOneNameOnOneStoreGiveOneSuccessAndOneEexist() throws Exception {
        Namespace ns = namespace(open());
        race(ns, ns);
    }

    @Test
    void twoStoresOnOneDatabaseMakingOneNameGiveOneSuccessAndOneEexist() throws Exception {
        race(namespace(open()), namespace(open()));
    }
}
