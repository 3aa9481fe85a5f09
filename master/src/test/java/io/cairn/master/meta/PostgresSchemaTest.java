package io.cairn.master.meta;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The schema on PostgreSQL: masters starting at once on an empty database create it once, under the
 * advisory lock; names compare byte by byte; the URL never carries a password.
 */
@Timeout(120)
class PostgresSchemaTest {
    private final List<JdbcMetadataStore> stores = new ArrayList<>();
    private TestPostgres.Database db;

    @AfterEach
    void close() {
        stores.forEach(JdbcMetadataStore::close);
        if (db != null) {
            db.close();
        }
    }

    @Test
    void mastersStartingAtOnceOnAnEmptyDatabaseCreateTheSchemaOnce() throws Exception {
        db = TestPostgres.server().freshDatabase();
        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CyclicBarrier start = new CyclicBarrier(n);
        List<Future<JdbcMetadataStore>> opened = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                opened.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return JdbcMetadataStore.postgres(TestStores.settings(db));
                }));
            }
            for (Future<JdbcMetadataStore> f : opened) {
                stores.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        for (JdbcMetadataStore s : stores) {
            assertThat(s.schemaVersion()).isEqualTo(Schema.CURRENT);
        }
        try (Connection c = db.server().connect(db.schema()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM meta WHERE key = 'schema_version'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void namesAreListedInByteOrderAsOnSqlite(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        db = TestPostgres.server().freshDatabase();
        List<String> names = List.of("b", "B", "a", "_x", "é", "e", "Z", "ä", "a b", "10", "9", "\u4e2d", "~");
        List<List<String>> listed = new ArrayList<>();
        for (JdbcMetadataStore s : List.of(JdbcMetadataStore.postgres(TestStores.settings(db)),
                JdbcMetadataStore.sqlite(dir.resolve("meta.db")))) {
            stores.add(s);
            s.write(tx -> {
                for (String name : names) {
                    InodeRow f = tx.insertInode(new InodeRow(0, io.cairn.common.wire.FileType.FILE, 0644, 0, 0, 0, 1,
                            0, 0, 0, 0, null));
                    tx.insertEntry(1, name, f.id());
                }
                return null;
            });
            List<String> page = new ArrayList<>();
            String after = null;
            while (true) { // pages of 4, each after the last name of the one before
                String from = after;
                List<String> got = s.<List<String>>read(tx -> tx.list(1, from, 4).stream().map(MetaTx.Entry::name).toList());
                if (got.isEmpty()) {
                    break;
                }
                page.addAll(got);
                after = got.get(got.size() - 1);
            }
            listed.add(page);
        }
        List<String> bytewise = new ArrayList<>(names);
        bytewise.sort((x, y) -> java.util.Arrays.compareUnsigned(x.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                y.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(listed.get(0)).isEqualTo(bytewise).isEqualTo(listed.get(1));
    }

    @Test
    void aPasswordInTheUrlIsRefused() {
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql://cairn:secret@db1:5432/cairn", null, Map.of()))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL))
                .hasMessageContaining("no password in the URL");
    }
}
