package io.cairn.master.membership;

import io.cairn.master.meta.TestStores;

/** Every orphan test of {@link OrphansTest}, on a real PostgreSQL database (faults as PostgreSQL reports them). */
class PostgresOrphansTest extends OrphansTest {
    @Override
    TestStores.Engine engine() {
        return TestStores.Engine.POSTGRESQL;
    }
}
