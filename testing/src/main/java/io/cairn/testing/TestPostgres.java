package io.cairn.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The PostgreSQL server the tests use: {@code CAIRN_TEST_PG} (a URL such as
 * {@code postgresql://cairn@127.0.0.1:5432/cairn}), with the password in the file
 * {@code CAIRN_TEST_PG_PASSWORD_FILE} or in {@code PGPASSWORD}. {@code bin/test} provides a private
 * one for the run when none is set, and also {@code CAIRN_TEST_PG_CTL} and {@code CAIRN_TEST_PG_DIR},
 * with which a test may stop and restart it.
 *
 * <p>Without a server a test that needs one is skipped, saying why; where PostgreSQL is required
 * ({@code CI} set, or {@code -Dcairn.pg.required=true}, which {@code bin/test} passes) it fails.
 * Each test gets a database of its own: a fresh schema of the server's database, dropped after.
 */
public final class TestPostgres {
    private static final AtomicLong SEQ = new AtomicLong();

    /** One test's database: {@link #url} selects a fresh schema; {@link #password} logs in. */
    public record Database(String url, String password, String schema, TestPostgres server) implements AutoCloseable {
        @Override
        public void close() {
            server.dropSchema(schema);
        }
    }

    private final String url;
    private final String password;

    private TestPostgres(String url, String password) {
        this.url = url;
        this.password = password;
    }

    /** Whether the tests must have PostgreSQL (CI, or bin/test). */
    public static boolean required() {
        return System.getenv("CI") != null || Boolean.getBoolean("cairn.pg.required");
    }

    /** The server, or (a skip or, where required, a failure) when none is configured. */
    public static TestPostgres server() {
        String url = System.getenv("CAIRN_TEST_PG");
        if (url == null || url.isBlank()) {
            String why = "CAIRN_TEST_PG is not set (bin/test starts a private PostgreSQL and sets it)";
            if (required()) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        return new TestPostgres(url, passwordFromEnvironment());
    }

    private static String passwordFromEnvironment() {
        String file = System.getenv("CAIRN_TEST_PG_PASSWORD_FILE");
        if (file != null && !file.isBlank()) {
            try {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return System.getenv("PGPASSWORD");
    }

    /** The server's URL (no schema chosen). */
    public String url() {
        return url;
    }

    public String password() {
        return password;
    }

    private String jdbcUrl(String schema) {
        URI u = URI.create(url);
        int port = u.getPort() < 0 ? 5432 : u.getPort();
        return "jdbc:postgresql://" + u.getHost() + ":" + port + u.getPath() + (schema == null ? "" : "?currentSchema=" + schema);
    }

    private String user() {
        return URI.create(url).getUserInfo();
    }

    /** A connection to the server's database (for tests that look under the store). */
    public Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(schema), user(), password);
    }

    /** A fresh, empty schema: the URL of a database of the test's own. */
    public Database freshDatabase() {
        String schema = "t" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet() + "_" + System.nanoTime() % 100_000;
        try (Connection c = connect(null); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the test PostgreSQL at " + url + ": " + e.getMessage(), e);
        }
        return new Database(url + "?currentSchema=" + schema, password, schema, this);
    }

    private void dropSchema(String schema) {
        try (Connection c = connect(null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            // the server may be down at the end of an outage test; the run's cluster is removed whole after
        }
    }

    // ---- stopping and starting the server (only the private one bin/test made)

    /** Whether this run's server can be stopped and started by a test. */
    public boolean controllable() {
        return System.getenv("CAIRN_TEST_PG_CTL") != null && System.getenv("CAIRN_TEST_PG_DIR") != null;
    }

    /** Stops the server (fast: open connections are cut). */
    public void stop() {
        ctl("stop");
    }

    /** Starts the stopped server again, on the same port. */
    public void start() {
        ctl("restart");
    }

    private void ctl(String what) {
        if (!controllable()) {
            throw new IllegalStateException("this run's PostgreSQL was not made by bin/test: it cannot be stopped");
        }
        try {
            Process p = new ProcessBuilder(System.getenv("CAIRN_TEST_PG_CTL"), what, System.getenv("CAIRN_TEST_PG_DIR"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("PostgreSQL " + what + " did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("PostgreSQL " + what + " failed with status " + p.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
