package io.cairn.master.namespace;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Requests;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.meta.TestStores;
import io.cairn.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads on two stores over one PostgreSQL database (two masters' worth of connections)
 * create, rename and unlink in the same few directories at once. Every call answers ok or the error
 * its race deserves (EEXIST, ENOENT), never EIO; afterwards the namespace is consistent: every entry
 * names an inode, every file's link count is its number of names, every directory's is two plus its
 * subdirectories, no inode is left without a name, and the files left are those made less those
 * removed.
 */
@Timeout(300)
class ConcurrentNamespaceOnPostgresTest {
    private static final long C = 1 << 20;
    private static final int THREADS = 8;
    private static final int OPS = Boolean.getBoolean("cairn.long") ? 1500 : 250;
    private static final int DIRS = 3;
    private static final int NAMES = 12;
    private final List<MetadataStore> stores = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    private TestPostgres.Database db;

    @AfterEach
    void close() throws Exception {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        stores.forEach(MetadataStore::close);
        if (db != null) {
            db.close();
        }
    }

    private Namespace namespace() throws IOException {
        MetadataStore store = JdbcMetadataStore.postgres(TestStores.settings(db));
        stores.add(store);
        Clock clock = Clock.systemUTC();
        Namespace ns = new Namespace(store, clock, new ChunkLists(store, new NodeRegistry(clock, Duration.ofSeconds(15), C),
                clock, C, 2, 1));
        ns.init();
        return ns;
    }

    private static String path(Random r) {
        return "/d" + r.nextInt(DIRS) + "/f" + r.nextInt(NAMES);
    }

    @Test
    void twoMastersStartingAtOnceOnAnEmptyDatabaseMakeOneSchemaAndOneRoot() throws Exception {
        for (int round = 0; round < 10; round++) {
            stores.forEach(MetadataStore::close);
            stores.clear();
            if (db != null) {
                db.close();
            }
            db = TestPostgres.server().freshDatabase();
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<Namespace>> started = new ArrayList<>();
            for (int m = 0; m < 2; m++) {
                started.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return namespace(); // opens the store (its schema) and makes the root if there is none
                }));
            }
            List<Namespace> both = new ArrayList<>();
            for (Future<Namespace> f : started) {
                both.add(f.get(60, TimeUnit.SECONDS));
            }
            both.get(0).mkdir(new Requests.Mkdir("/from-a", 0755, 0, 0, false));
            assertThat(both.get(1).list("/", null, 10).entries()).extracting(e -> e.name()).containsExactly("from-a");
            try (Connection c = db.server().connect(db.schema()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM inodes WHERE type = 'DIR'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("round %d: the root and /from-a", round).isEqualTo(2);
            }
        }
    }

    @Test
    void manyThreadsCreatingRenamingAndUnlinkingThroughTwoStoresLeaveAConsistentNamespace() throws Exception {
        db = TestPostgres.server().freshDatabase();
        Namespace a = namespace();
        Namespace b = namespace();
        for (int d = 0; d < DIRS; d++) {
            a.mkdir(new Requests.Mkdir("/d" + d, 0755, 0, 0, false));
        }
        AtomicLong created = new AtomicLong();
        AtomicLong unlinked = new AtomicLong();
        Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Namespace ns = t % 2 == 0 ? a : b;
            long seed = 42 + t;
            done.add(pool.submit(() -> {
                Random r = new Random(seed);
                start.await(30, TimeUnit.SECONDS);
                for (int i = 0; i < OPS; i++) {
                    int op = r.nextInt(10);
                    String what;
                    try {
                        if (op < 4) {
                            what = "create";
                            ns.create(new Requests.Create(path(r), FileType.FILE, 0644, 0, 0, null, true));
                            created.incrementAndGet();
                        } else if (op < 7) {
                            what = "rename";
                            ns.rename(new Requests.Rename(path(r), path(r), true));
                        } else if (op < 9) {
                            what = "unlink";
                            ns.unlink(path(r));
                            unlinked.incrementAndGet();
                        } else {
                            what = "mkdir";
                            String dir = "/d" + r.nextInt(DIRS) + "/sub" + r.nextInt(3);
                            ns.mkdir(new Requests.Mkdir(dir, 0755, 0, 0, false));
                        }
                        answers.computeIfAbsent(what + " ok", k -> new AtomicLong()).incrementAndGet();
                    } catch (CairnException e) {
                        assertThat(e.code()).as("%s", e.getMessage()).isIn(ErrorCode.EEXIST, ErrorCode.ENOENT,
                                ErrorCode.EISDIR, ErrorCode.ENOTDIR, ErrorCode.EINVAL);
                        answers.computeIfAbsent(e.code().name(), k -> new AtomicLong()).incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(240, TimeUnit.SECONDS);
        }
        assertThat(answers.get("create ok")).as("answers: %s", answers).isNotNull();
        assertThat(answers.get("rename ok")).as("answers: %s", answers).isNotNull();
        assertThat(answers.get("unlink ok")).as("answers: %s", answers).isNotNull();
        assertThat(answers.get("EEXIST")).as("the threads did race: %s", answers).isNotNull();

        try (Connection c = db.server().connect(db.schema()); Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT COUNT(*) FROM dentries d LEFT JOIN inodes i ON i.id = d.inode WHERE i.id IS NULL"))
                    .as("entries naming no inode").isZero();
            assertThat(count(s, "SELECT COUNT(*) FROM inodes i WHERE i.id <> 1 AND NOT EXISTS"
                    + " (SELECT 1 FROM dentries d WHERE d.inode = i.id)")).as("inodes without a name").isZero();
            assertThat(count(s, "SELECT COUNT(*) FROM inodes i WHERE i.type = 'FILE' AND i.nlink <>"
                    + " (SELECT COUNT(*) FROM dentries d WHERE d.inode = i.id)")).as("files whose link count is wrong").isZero();
            assertThat(count(s, "SELECT COUNT(*) FROM inodes i WHERE i.type = 'DIR' AND i.nlink <> 2 +"
                    + " (SELECT COUNT(*) FROM dentries d JOIN inodes k ON k.id = d.inode WHERE d.parent = i.id"
                    + " AND k.type = 'DIR')")).as("directories whose link count is wrong").isZero();
            assertThat(count(s, "SELECT COUNT(*) FROM inodes WHERE type = 'FILE'"))
                    .as("files made less files removed").isEqualTo(created.get() - unlinked.get());
        }
        // and the namespace reads the same through both stores, in byte order
        for (int d = 0; d < DIRS; d++) {
            List<String> viaA = names(a, "/d" + d);
            assertThat(viaA).isSorted().isEqualTo(names(b, "/d" + d));
        }
    }

    private static List<String> names(Namespace ns, String dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (var e : ns.list(dir, null, 1000).entries()) {
            out.add(e.name());
        }
        return out;
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
