package io.cairn.master.namespace;

import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.meta.TestStores;
import io.cairn.testing.TestPostgres;

import java.io.IOException;

/** {@link RacingNamesTest} on PostgreSQL: two threads of one store, and two stores (two masters) on one database. */
class RacingNamesOnPostgresTest extends RacingNamesTest {
    private TestPostgres.Database db;

    @Override
    MetadataStore newStore() throws IOException {
        if (db == null) {
            db = TestPostgres.server().freshDatabase();
        }
        return JdbcMetadataStore.postgres(TestStores.settings(db));
    }

    @Override
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }
}
