package io.cairn.master.namespace;

import io.cairn.master.meta.TestStores;

/** Every namespace test of {@link NamespaceTest}, on a real PostgreSQL database. */
class PostgresNamespaceTest extends NamespaceTest {
    @Override
    TestStores.Engine engine() {
        return TestStores.Engine.POSTGRESQL;
    }
}
