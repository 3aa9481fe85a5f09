package io.cairn.master.http;

import io.cairn.master.MasterServer;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Streams a consistent copy of the metadata database, made while the master keeps serving. */
final class Backups {
    private Backups() {
    }

    static void send(Context ctx, MasterServer m) throws IOException {
        Path tmp = Files.createTempFile(m.config().dataDir(), ".backup-", ".db");
        try {
            m.store().backup(tmp);
            ctx.attribute(Api.WRITTEN, Boolean.TRUE);
            ctx.status(200).contentType("application/vnd.sqlite3");
            ctx.header("Content-Length", Long.toString(Files.size(tmp)));
            try (InputStream in = Files.newInputStream(tmp); OutputStream out = ctx.outputStream()) {
                in.transferTo(out);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
