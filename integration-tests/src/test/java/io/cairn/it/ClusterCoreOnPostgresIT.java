package io.cairn.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Every test of {@link ClusterCoreIT}, with the master's metadata on a real PostgreSQL database. */
class ClusterCoreOnPostgresIT extends ClusterCoreIT {
    @BeforeEach
    void onPostgres() {
        MiniCluster.useStore(MiniCluster.Store.POSTGRESQL);
    }

    @AfterEach
    void backToSqlite() {
        MiniCluster.useStore(MiniCluster.Store.SQLITE);
    }
}
