package io.cairn.master.meta;

import io.cairn.testing.TestPostgres;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The two engines the store runs on, for tests that run against both. */
public final class TestStores {
    public enum Engine { SQLITE, POSTGRESQL }

    private TestStores() {
    }

    /** The store settings for a test database. */
    public static PostgresDialect.Settings settings(TestPostgres.Database db) throws IOException {
        return PostgresUrl.parse(db.url(), null, db.password() == null ? Map.of() : Map.of("PGPASSWORD", db.password()));
    }

    /** A store of {@code engine}: a file in {@code dir}, or a fresh PostgreSQL database dropped on close. */
    public static Opened open(Engine engine, Path dir) throws IOException {
        if (engine == Engine.SQLITE) {
            return new Opened(JdbcMetadataStore.sqlite(dir.resolve("meta.db")), null);
        }
        TestPostgres.Database db = TestPostgres.server().freshDatabase();
        try {
            return new Opened(JdbcMetadataStore.postgres(settings(db)), db);
        } catch (IOException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** How a master of a test opens its store: the same database every time it restarts. */
    public static StoreOpener opener(TestPostgres.Database db) throws IOException {
        return StoreOpener.postgres(settings(db));
    }

    /** An open store and, on PostgreSQL, its database. */
    public record Opened(JdbcMetadataStore store, TestPostgres.Database db) implements AutoCloseable {
        /** Another store on the same database (a second master's). */
        public JdbcMetadataStore another() throws IOException {
            if (db == null) {
                throw new IllegalStateException("only PostgreSQL stores can be shared");
            }
            return JdbcMetadataStore.postgres(settings(db));
        }

        @Override
        public void close() {
            store.close();
            if (db != null) {
                db.close();
            }
        }
    }
}
