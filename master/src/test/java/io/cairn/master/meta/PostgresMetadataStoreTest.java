package io.cairn.master.meta;

/** The store's contract, every test of {@link JdbcMetadataStoreTest}, on a real PostgreSQL database. */
class PostgresMetadataStoreTest extends JdbcMetadataStoreTest {
    @Override
    TestStores.Engine engine() {
        return TestStores.Engine.POSTGRESQL;
    }
}
