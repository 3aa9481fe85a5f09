package io.cairn.master.membership;

import io.cairn.master.meta.TestStores;

/** Every test of {@link FullReportsTest}, on a real PostgreSQL database. */
class PostgresFullReportsTest extends FullReportsTest {
    @Override
    TestStores.Engine engine() {
        return TestStores.Engine.POSTGRESQL;
    }
}
