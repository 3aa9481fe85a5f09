package io.cairn.master.meta;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The metadata store in one SQLite file ({@code meta.db} in the master's data directory), in WAL
 * mode with {@code synchronous=FULL}: a committed transaction survives a power cut. One connection,
 * one transaction at a time (SQLite has a single writer anyway).
 */
public final class SqliteMetadataStore implements MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteMetadataStore.class);
    private final Connection conn;
    private final Path file;

    private SqliteMetadataStore(Path file, Connection conn) {
        this.file = file;
        this.conn = conn;
    }

    /** Opens (creating or upgrading) the database at {@code file}. */
    public static SqliteMetadataStore open(Path file) throws IOException {
        return open(file, Schema.CURRENT);
    }

    /** Opens the database migrated only up to {@code version}: for testing upgrades of older databases. */
    static SqliteMetadataStore open(Path file, int version) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA foreign_keys=OFF");
                s.execute("PRAGMA busy_timeout=10000");
            }
            c.setAutoCommit(false);
            int have = Schema.version(c);
            if (have > Schema.CURRENT) {
                c.close();
                throw new CairnException(ErrorCode.EINVAL, "metadata at " + file + " has schema version " + have
                        + ", newer than this master understands (" + Schema.CURRENT + ")");
            }
            if (have < version) {
                Schema.migrate(c, have, version);
                c.commit();
                if (have > 0) {
                    LOG.info("upgraded metadata schema of {} from version {} to {}", file, have, version);
                }
            }
            return new SqliteMetadataStore(file, c);
        } catch (SQLException e) {
            throw new CairnException(ErrorCode.EIO, "cannot open metadata database " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized <T> T write(TxBody<T> body) throws IOException {
        try {
            T result = body.run(new MetaTx(conn));
            conn.commit();
            return result;
        } catch (IOException | RuntimeException e) {
            rollback();
            throw e;
        } catch (SQLException e) {
            rollback();
            throw MetaTx.storeError(e);
        }
    }

    @Override
    public synchronized <T> T read(TxBody<T> body) throws IOException {
        try {
            return body.run(new MetaTx(conn));
        } finally {
            rollback();
        }
    }

    private void rollback() {
        try {
            conn.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed: {}", e.toString());
        }
    }

    public int schemaVersion() throws IOException {
        try {
            synchronized (this) {
                return Schema.version(conn);
            }
        } catch (SQLException e) {
            throw MetaTx.storeError(e);
        }
    }

    @Override
    public synchronized void backup(Path target) throws IOException {
        Files.deleteIfExists(target);
        try (Statement s = conn.createStatement()) {
            conn.commit();
            conn.setAutoCommit(true);
            try {
                s.executeUpdate("VACUUM INTO '" + target.toAbsolutePath().toString().replace("'", "''") + "'");
            } finally {
                conn.setAutoCommit(false);
            }
        } catch (SQLException e) {
            throw new CairnException(ErrorCode.EIO, "backup to " + target + " failed: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            LOG.warn("closing {} failed: {}", file, e.toString());
        }
    }
}
