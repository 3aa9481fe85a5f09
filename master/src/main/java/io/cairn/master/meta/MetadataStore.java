package io.cairn.master.meta;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the namespace lives: SQLite in the master's data directory ({@link JdbcMetadataStore#sqlite}),
 * or PostgreSQL ({@link JdbcMetadataStore#postgres}), with the same schema and SQL and a small
 * {@link Dialect} for what differs. Several masters on one PostgreSQL database come next.
 *
 * <p>The contract every implementation keeps and every caller relies on:
 * <ul>
 *   <li><b>One transaction per call.</b> {@link #write} commits before it returns, so that the crash
 *       of any process (the master's included) keeps it; an exception from the body rolls everything
 *       back.</li>
 *   <li><b>Durable by barrier.</b> A commit may still be lost to a power cut (or an operating system
 *       crash) until a later {@link #barrier} returned: the barrier makes every transaction committed
 *       before it began survive those too. Concurrent barriers share one sync.</li>
 *   <li><b>A body may run more than once.</b> After a retryable failure (the engine was busy or
 *       locked, a serialization conflict or deadlock, a lost connection before commit) the store
 *       rolls back and runs the body again, a bounded number of times with growing pauses, then
 *       gives up with EIO. So a body changes nothing outside its transaction: no fields, maps,
 *       registries or queues; it only reads and writes through its {@link MetaTx} and returns a
 *       value. Whatever it must do to the world, its caller does after the call returned.</li>
 *   <li><b>A duplicate key means EEXIST.</b> When a write breaks a primary key or unique constraint
 *       (another writer committed the same name between this body's check and its insert), the
 *       store runs the body once more, on a fresh transaction that sees the winner's row, so the
 *       body's own check answers (EEXIST, or the existing file for a non-exclusive create). Only a
 *       second duplicate becomes {@code CairnException(EEXIST)}; a key violation is never EIO.</li>
 *   <li><b>Reads stand beside writes.</b> {@link #read} runs on its own read-only connection against
 *       a consistent snapshot, so it never waits for a write transaction or a long scan, and a body
 *       that tries to change something fails.</li>
 *   <li><b>Nothing waits forever.</b> Waiting for a free connection has a deadline (EIO after it).</li>
 * </ul>
 */
public interface MetadataStore extends AutoCloseable {

    /** Runs {@code body} in one write transaction and commits it; the body may run more than once. */
    <T> T write(TxBody<T> body) throws IOException;

    /**
     * Makes every write transaction committed before this call survive a power cut: on SQLite one
     * sync of the write-ahead log, shared by the barriers that wait meanwhile; nothing when nothing
     * was committed since the last one.
     */
    void barrier() throws IOException;

    /** Runs {@code body} against a consistent snapshot, changing nothing; the body may run more than once. */
    <T> T read(TxBody<T> body) throws IOException;

    /**
     * Writes a consistent copy of the whole database to the file {@code target} while the store stays
     * in use; a database whose copies are made with its own tools answers with an error saying so.
     */
    void backup(Path target) throws IOException;

    @Override
    void close();

    /** Hears how each transaction went (for metrics); a store that cannot tell ignores it. */
    default void observe(Observer observer) {
    }

    /** What a store tells of its transactions: called on the caller's thread, so it must be quick. */
    interface Observer {
        /** A transaction ended: {@code write} or not, after {@code nanos}, committed or failed. */
        void transaction(boolean write, long nanos, boolean ok);

        /** An attempt failed in a way worth another attempt, which follows. */
        void retry(boolean write);
    }

    /** A transaction body: reads and writes through {@code tx} only, and returns what the caller needs. */
    @FunctionalInterface
    interface TxBody<T> {
        T run(MetaTx tx) throws IOException;
    }
}
