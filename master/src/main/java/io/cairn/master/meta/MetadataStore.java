package io.cairn.master.meta;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the namespace lives. Every namespace operation is one transaction, committed (durably)
 * before it returns. SQLite now; the same schema on PostgreSQL is the planned second implementation.
 */
public interface MetadataStore extends AutoCloseable {

    /** Runs {@code body} in one transaction and commits it; an exception rolls everything back. */
    <T> T write(TxBody<T> body) throws IOException;

    /** Runs {@code body} against a consistent view, changing nothing. */
    <T> T read(TxBody<T> body) throws IOException;

    /** Writes a consistent copy of the whole database to {@code target} while the store stays in use. */
    void backup(Path target) throws IOException;

    @Override
    void close();

    @FunctionalInterface
    interface TxBody<T> {
        T run(MetaTx tx) throws IOException;
    }
}
