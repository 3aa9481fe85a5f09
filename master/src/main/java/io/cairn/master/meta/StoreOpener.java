package io.cairn.master.meta;

import java.io.IOException;
import java.nio.file.Path;

/** How a master opens its metadata store, given its data directory. */
@FunctionalInterface
public interface StoreOpener {
    MetadataStore open(Path dataDir) throws IOException;

    /** The default: SQLite in {@code DATA/meta.db}. */
    static StoreOpener sqlite() {
        return dir -> JdbcMetadataStore.sqlite(dir.resolve("meta.db"));
    }

    /** A PostgreSQL database; the data directory holds nothing of the metadata then. */
    static StoreOpener postgres(PostgresDialect.Settings db) {
        return dir -> JdbcMetadataStore.postgres(db);
    }
}
