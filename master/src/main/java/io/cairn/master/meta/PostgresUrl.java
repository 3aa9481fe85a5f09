package io.cairn.master.meta;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads {@code postgresql://user@host:port/db[?driver options]} into the store's settings. The
 * password never comes from the URL (a command line is visible to every user of the machine): it
 * comes from a file named apart, else {@code PGPASSWORD}, else the driver reads {@code PGPASSFILE}
 * (or {@code ~/.pgpass}) itself.
 */
public final class PostgresUrl {
    private PostgresUrl() {
    }

    /** Whether {@code meta} names a PostgreSQL database rather than a SQLite file. */
    public static boolean is(String meta) {
        return meta != null && (meta.startsWith("postgresql://") || meta.startsWith("postgres://"));
    }

    /**
     * The settings for {@code url}, with the password from {@code passwordFile} (its first line) when
     * given, else from {@code env}'s {@code PGPASSWORD}, else none.
     */
    public static PostgresDialect.Settings parse(String url, Path passwordFile, Map<String, String> env) throws IOException {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new CairnException(ErrorCode.EINVAL, "not a PostgreSQL URL: " + e.getMessage());
        }
        if (!is(url) || u.getHost() == null) {
            throw new CairnException(ErrorCode.EINVAL, "a PostgreSQL URL looks like postgresql://user@host:5432/db");
        }
        String info = u.getRawUserInfo();
        if (info == null || info.isEmpty()) {
            throw new CairnException(ErrorCode.EINVAL, "name the role to log in as: postgresql://USER@" + u.getHost() + "/...");
        }
        if (info.contains(":")) {
            throw new CairnException(ErrorCode.EINVAL, "no password in the URL: put it in a file (--meta-password-file),"
                    + " PGPASSFILE or PGPASSWORD");
        }
        String user = java.net.URLDecoder.decode(info, StandardCharsets.UTF_8);
        String path = u.getRawPath();
        if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw new CairnException(ErrorCode.EINVAL, "name the database: postgresql://" + user + "@" + u.getHost() + "/DB");
        }
        int port = u.getPort() < 0 ? 5432 : u.getPort();
        String hostPort = (u.getHost().contains(":") && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]" : u.getHost())
                + ":" + port;
        String jdbc = "jdbc:postgresql://" + hostPort + path + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        String where = path.substring(1) + " at " + hostPort + " as " + user;
        return new PostgresDialect.Settings(jdbc, user, password(passwordFile, env), where,
                PostgresDialect.Settings.WRITERS, PostgresDialect.Settings.READERS);
    }

    private static String password(Path file, Map<String, String> env) throws IOException {
        if (file != null) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CairnException(ErrorCode.EINVAL, "cannot read the password file " + file + ": " + e.getMessage());
            }
            int nl = text.indexOf('\n');
            String line = (nl < 0 ? text : text.substring(0, nl)).strip();
            if (line.isEmpty()) {
                throw new CairnException(ErrorCode.EINVAL, "the password file " + file + " is empty");
            }
            return line;
        }
        String p = env.get("PGPASSWORD");
        return p == null || p.isEmpty() ? null : p;
    }
}
