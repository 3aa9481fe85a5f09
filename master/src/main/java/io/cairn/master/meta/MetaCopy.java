package io.cairn.master.meta;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Copies a stopped master's SQLite metadata into an empty PostgreSQL database, row by row in one
 * PostgreSQL transaction (a copy that fails leaves the target empty), then checks it: the same
 * number of rows and the same SHA-256 of every table, each read in the same total order on both
 * engines (every column, nulls first; names compare byte by byte on both). Rows stream: no table is
 * held in memory.
 */
public final class MetaCopy {
    private static final int BATCH = 1_000;

    /** One table's rows and checksum, on both sides. */
    public record Table(String name, long rows, String sha256) {
    }

    private MetaCopy() {
    }

    /** Copies {@code sqliteFile} into {@code target}; refuses a target that holds anything. */
    public static List<Table> copy(Path sqliteFile, PostgresDialect.Settings target) throws IOException {
        if (!Files.isRegularFile(sqliteFile)) {
            throw new CairnException(ErrorCode.ENOENT, "no SQLite metadata at " + sqliteFile);
        }
        // bring the source to the current schema (what starting its master would do), and make the target's tables
        JdbcMetadataStore.sqlite(sqliteFile).close();
        JdbcMetadataStore.postgres(target).close();
        try (Connection from = DriverManager.getConnection("jdbc:sqlite:" + sqliteFile.toAbsolutePath());
             Connection to = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
            List<String> tables = tables(from);
            try (Statement s = to.createStatement()) {
                s.execute("BEGIN ISOLATION LEVEL SERIALIZABLE");
                s.execute("LOCK TABLE meta IN EXCLUSIVE MODE"); // no master starts on it while we copy
            }
            refuseNonEmpty(to, tables, target);
            try (Statement s = to.createStatement()) {
                s.executeUpdate("DELETE FROM meta"); // its schema_version row: the source's comes instead
            }
            for (String t : tables) {
                copyTable(from, to, t);
            }
            PostgresDialect.moveIdentity(to, "inodes");
            PostgresDialect.moveIdentity(to, "events");
            try (Statement s = to.createStatement()) {
                s.execute("COMMIT");
            }
            return verify(from, to, tables);
        } catch (SQLException e) {
            throw new CairnException(ErrorCode.EIO, "copying the metadata failed (the target is left as it was): "
                    + e.getMessage(), e);
        }
    }

    /** The tables of the schema, as the SQLite file has them. */
    private static List<String> tables(Connection sqlite) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = sqlite.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
                     + " AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void refuseNonEmpty(Connection to, List<String> tables, PostgresDialect.Settings target)
            throws SQLException, CairnException {
        for (String t : tables) {
            String sql = "meta".equals(t) ? "SELECT COUNT(*) FROM meta WHERE key <> 'schema_version'" : "SELECT COUNT(*) FROM " + t;
            try (Statement s = to.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    try (Statement r = to.createStatement()) {
                        r.execute("ROLLBACK");
                    }
                    throw new CairnException(ErrorCode.EEXIST, "PostgreSQL database " + target.where()
                            + " is not empty (table " + t + " has " + rs.getLong(1) + " rows): migrate-meta copies only"
                            + " into an empty database");
                }
            }
        }
    }

    private static void copyTable(Connection from, Connection to, String table) throws SQLException {
        try (Statement s = from.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            StringBuilder cols = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (int i = 1; i <= n; i++) {
                cols.append(i > 1 ? ", " : "").append(md.getColumnName(i));
                marks.append(i > 1 ? ", " : "").append('?');
            }
            int[] types = targetTypes(to, table, md);
            try (PreparedStatement ps = to.prepareStatement("INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ")")) {
                int pending = 0;
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        if (v == null) {
                            ps.setNull(i, types[i - 1]);
                        } else if (v instanceof byte[] b) {
                            ps.setBytes(i, b); // extended attribute values
                        } else if (types[i - 1] == java.sql.Types.VARCHAR) {
                            ps.setString(i, v.toString());
                        } else if (types[i - 1] == java.sql.Types.INTEGER) {
                            ps.setInt(i, Math.toIntExact(((Number) v).longValue()));
                        } else {
                            ps.setLong(i, ((Number) v).longValue());
                        }
                    }
                    ps.addBatch();
                    if (++pending == BATCH) {
                        ps.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    ps.executeBatch();
                }
            }
        }
    }

    /** The JDBC type each column gets in PostgreSQL: text, a 32-bit or a 64-bit integer (bytes go as they are). */
    private static int[] targetTypes(Connection to, String table, ResultSetMetaData source) throws SQLException {
        int n = source.getColumnCount();
        int[] out = new int[n];
        for (int i = 1; i <= n; i++) {
            String col = source.getColumnName(i);
            try (ResultSet rs = to.getMetaData().getColumns(to.getCatalog(), to.getSchema(), table, col)) {
                if (!rs.next()) {
                    throw new SQLException("the PostgreSQL table " + table + " has no column " + col);
                }
                String type = rs.getString("TYPE_NAME").toLowerCase(java.util.Locale.ROOT);
                out[i - 1] = type.equals("int4") ? java.sql.Types.INTEGER
                        : type.startsWith("int") || type.equals("bigserial") ? java.sql.Types.BIGINT : java.sql.Types.VARCHAR;
            }
        }
        return out;
    }

    private static List<Table> verify(Connection from, Connection to, List<String> tables) throws SQLException, IOException {
        List<Table> out = new ArrayList<>();
        to.setAutoCommit(false); // so that the driver streams the rows (a fetch size works only inside a transaction)
        try {
            for (String t : tables) {
                Table a = digest(from, t);
                Table b = digest(to, t);
                if (a.rows() != b.rows() || !a.sha256().equals(b.sha256())) {
                    throw new CairnException(ErrorCode.EIO, "the copy of table " + t + " differs: " + a.rows() + " rows, sha256 "
                            + a.sha256() + " in SQLite; " + b.rows() + " rows, sha256 " + b.sha256() + " in PostgreSQL");
                }
                out.add(a);
            }
        } finally {
            to.rollback();
            to.setAutoCommit(true);
        }
        return out;
    }

    /** A table's row count and the SHA-256 of its rows in a total order both engines agree on. */
    static Table digest(Connection c, String table) throws SQLException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        int n;
        try (Statement probe = c.createStatement(); ResultSet rs = probe.executeQuery("SELECT * FROM " + table + " LIMIT 0")) {
            n = rs.getMetaData().getColumnCount();
        }
        StringBuilder order = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            order.append(i > 1 ? ", " : "").append(i).append(" NULLS FIRST");
        }
        long rows = 0;
        try (Statement s = c.createStatement()) {
            s.setFetchSize(BATCH);
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY " + order)) {
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        String text = v == null ? "\u0000" : v instanceof Number num ? Long.toString(num.longValue())
                                : v instanceof byte[] raw ? HexFormat.of().formatHex(raw) : v.toString();
                        sha.update(text.getBytes(StandardCharsets.UTF_8));
                        sha.update((byte) 1);
                    }
                    sha.update((byte) 2);
                    rows++;
                }
            }
        }
        return new Table(table, rows, HexFormat.of().formatHex(sha.digest()));
    }
}
