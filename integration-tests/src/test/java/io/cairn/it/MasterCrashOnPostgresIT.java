package io.cairn.it;

import io.cairn.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link MasterCrashIT} with the master's metadata on PostgreSQL: {@code cairn master --meta URL
 * --meta-password-file FILE}, killed with -9 at random moments; nothing acknowledged is lost.
 */
class MasterCrashOnPostgresIT extends MasterCrashIT {
    private TestPostgres.Database db;

    @Override
    String[] masterArgs() throws Exception {
        db = TestPostgres.server().freshDatabase();
        Path password = Files.writeString(tmp.resolve("pgpass"), db.password() == null ? "" : db.password() + "\n");
        return new String[] {"--meta", db.url(), "--meta-password-file", password.toString()};
    }

    @Override
    int defaultRounds() {
        return 6; // every round restarts a JVM; the SQLite run has more
    }

    @AfterEach
    void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }
}
