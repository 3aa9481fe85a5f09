package io.cairn.master.events;

import io.cairn.master.meta.TestStores;

/** Every test of {@link EventsTest}, on a real PostgreSQL database. */
class PostgresEventsTest extends EventsTest {
    @Override
    TestStores.Engine engine() {
        return TestStores.Engine.POSTGRESQL;
    }
}
