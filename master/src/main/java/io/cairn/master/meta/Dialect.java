package io.cairn.master.meta;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between the SQL engines the metadata store runs on; everything else (every query,
 * every upsert, the schema's shape) is written once, in SQL that SQLite and PostgreSQL both accept.
 *
 * <p>Not here on purpose: upserts ({@code INSERT ... ON CONFLICT (...) DO UPDATE SET x = excluded.x}
 * and {@code ON CONFLICT DO NOTHING} mean the same in both engines), aggregation (rows are grouped
 * in Java, never with an engine's string aggregate), and whether a table exists (JDBC metadata).
 */
interface Dialect {

    /** The database, for messages: which engine and where. */
    String describe();

    // ---- connections and transactions

    /**
     * Opens a connection with this engine's session settings. A reader connection refuses to
     * change anything; a writer connection is durable on commit.
     */
    Connection connect(boolean reader) throws SQLException;

    /** How many writer connections the store keeps (an engine with one writer at a time says 1). */
    int writers();

    /** How many read-only connections the store keeps beside the writers. */
    int readers();

    /**
     * Whether the engine's connections come from a pool of its own (which checks and replaces them):
     * then the store gives a connection back after every transaction instead of keeping it.
     */
    default boolean pooled() {
        return false;
    }

    /** Gives back a connection from {@link #connect}; a broken one is thrown away, not reused. */
    default void release(Connection c, boolean broken) throws SQLException {
        c.close();
    }

    /** Attempts at one transaction before a retryable failure becomes EIO. */
    default int attempts() {
        return JdbcMetadataStore.MAX_ATTEMPTS;
    }

    /**
     * Starts the transaction that reads the schema version and runs migrations: one that two
     * masters starting at once on the same database do one after the other, the second seeing the
     * first's tables.
     */
    default void beginSchema(Connection c) throws SQLException {
        begin(c, true);
    }

    /** Checks the database's settings once, when the store opens (for example that commits are durable). */
    default void check(Connection c) throws SQLException, IOException {
    }

    /** After rows were copied in with their own ids: makes {@code table}'s generated ids continue past the largest. */
    default void continueIdentity(Connection c, String table) throws SQLException {
    }

    /** Frees what the dialect holds (a pool); connections still out are closed as they come back. */
    default void close() {
    }

    /** Starts a transaction; a write transaction may take the engine's write lock up front. */
    void begin(Connection c, boolean write) throws SQLException;

    /**
     * Starts attempt {@code failures + 1} at a transaction ({@code failures} earlier attempts failed
     * retryably): an engine with optimistic concurrency may run a transaction that keeps losing alone.
     */
    default void begin(Connection c, boolean write, int failures) throws SQLException {
        begin(c, write);
    }

    void commit(Connection c) throws SQLException;

    void rollback(Connection c) throws SQLException;

    /**
     * Makes every transaction committed so far on any connection of this database survive a power
     * cut, over the writer connection {@code c} (no transaction open on it). An engine whose commits
     * are durable already does nothing, which is the default.
     */
    default void barrier(Connection c) throws SQLException {
    }

    // ---- column types

    /** A 64-bit signed integer column. */
    String bigint();

    /** A 32-bit signed integer column. */
    String integer();

    /** A text column that compares byte by byte (names and ids are paged with {@code >}). */
    String text();

    /** A column of raw bytes (extended attribute values). */
    String bytes();

    /** The inode id column: a primary key the engine generates, increasing, never reused. */
    String identity();

    // ---- errors

    /**
     * Whether running the transaction again may succeed: the engine was busy or locked, or found a
     * serialization conflict or a deadlock. (A connection that is no longer valid is retried on a
     * fresh one whatever this says.)
     */
    boolean retryable(SQLException e);

    /** Whether the statement broke a primary key or unique constraint. */
    boolean duplicateKey(SQLException e);

    // ---- backup

    /**
     * Writes a consistent copy of the whole database to the file {@code target} (which does not
     * exist) over {@code c}, while other connections keep working; an engine whose copies are made
     * with its own tools throws an error that says so.
     */
    void backup(Connection c, Path target) throws SQLException, IOException;
}
