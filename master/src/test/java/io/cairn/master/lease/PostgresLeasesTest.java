package io.cairn.master.lease;

import io.cairn.master.meta.TestStores;

/** Every test of {@link LeasesTest}, on a real PostgreSQL database. */
class PostgresLeasesTest extends LeasesTest {
    @Override
    TestStores.Engine engine() {
        return TestStores.Engine.POSTGRESQL;
    }
}
