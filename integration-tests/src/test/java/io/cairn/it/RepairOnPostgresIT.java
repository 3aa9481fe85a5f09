package io.cairn.it;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every test of {@link RepairIT}, with the master's metadata on a real PostgreSQL database; but a
 * backup there is PostgreSQL's own business, and the master says so.
 */
class RepairOnPostgresIT extends RepairIT {
    @BeforeEach
    void onPostgres() {
        MiniCluster.useStore(MiniCluster.Store.POSTGRESQL);
    }

    @AfterEach
    void backToSqlite() {
        MiniCluster.useStore(MiniCluster.Store.SQLITE);
    }

    @Test
    @Override
    void aMetadataBackupIsAConsistentDatabaseOfTheNamespace() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(1).replication(1).deadAfter(Duration.ofSeconds(5)).start()) {
            assertThat(mc.store()).isEqualTo(MiniCluster.Store.POSTGRESQL);
            assertThatThrownBy(() -> mc.client().master().backup(new ByteArrayOutputStream()))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL))
                    .hasMessageContaining("PostgreSQL's own tools").hasMessageContaining("pg_dump")
                    .hasMessageContaining("pg_basebackup");
        }
    }
}
