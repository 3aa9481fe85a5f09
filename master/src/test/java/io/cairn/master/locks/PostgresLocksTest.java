package io.cairn.master.locks;

import io.cairn.master.meta.TestStores;

/** Every test of {@link LocksTest}, on a real PostgreSQL database. */
class PostgresLocksTest extends LocksTest {
    @Override
    TestStores.Engine engine() {
        return TestStores.Engine.POSTGRESQL;
    }
}
