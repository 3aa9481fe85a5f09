package io.cairn.master.namespace;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Requests;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.FaultInjection;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.MetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The race a database with several writers allows: another master commits the same name after this
 * one looked it up and before it inserts. The insert then breaks the key; the operation answers as
 * POSIX says (EEXIST, or the existing file for a non-exclusive create), never EIO.
 */
@Timeout(60)
class LostRaceTest {
    private static final long C = 1 << 20;
    @TempDir
    Path dir;
    FaultInjection faults = new FaultInjection();
    MetadataStore store;
    MetadataStore rivalStore;
    Namespace ns;
    Namespace rival;
    AtomicBoolean raced = new AtomicBoolean();

    private static Namespace namespace(MetadataStore store) throws IOException {
        Clock clock = Clock.systemUTC();
        Namespace n = new Namespace(store, clock, new ChunkLists(store, new NodeRegistry(clock, Duration.ofSeconds(15), C),
                clock, C, 2, 1));
        n.init();
        return n;
    }

    @BeforeEach
    void open() throws Exception {
        store = faults.open(dir.resolve("meta.db"));
        ns = namespace(store);
        rivalStore = JdbcMetadataStore.sqlite(dir.resolve("meta.db"));
        rival = namespace(rivalStore);
    }

    @AfterEach
    void close() {
        store.close();
        rivalStore.close();
    }

    @FunctionalInterface
    private interface Move {
        void run() throws IOException;
    }

    private static void exec(Connection c, String sql) throws java.sql.SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** At this master's next insert of a directory entry, the rival master first commits {@code move}. */
    private void rivalCommitsJustBeforeTheInsert(Move move) {
        faults.set((point, sql, real) -> {
            if (point == FaultInjection.Point.PREPARE && sql != null && sql.startsWith("INSERT INTO dentries")
                    && raced.compareAndSet(false, true)) {
                exec(real, "ROLLBACK"); // let go of SQLite's one write lock, so the rival can write
                try {
                    move.run();
                } catch (IOException e) {
                    throw new java.sql.SQLException("the rival failed", e);
                }
                exec(real, "BEGIN IMMEDIATE"); // and carry on past the look-up that found nothing
            }
            return null;
        });
    }

    private static void expect(ErrorCode code, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(code));
    }

    private static Requests.Create file(String path, boolean exclusive) {
        return new Requests.Create(path, FileType.FILE, 0644, 0, 0, null, exclusive);
    }

    @Test
    void aNonExclusiveCreateThatLosesTheRaceReturnsTheFileTheWinnerMade() throws Exception {
        Attr[] winner = new Attr[1];
        rivalCommitsJustBeforeTheInsert(() -> winner[0] = rival.create(file("/f", true)));
        Attr mine = ns.create(file("/f", false));
        assertThat(raced).isTrue();
        assertThat(mine.inode()).isEqualTo(winner[0].inode());
        assertThat(store.<Long>read(tx -> tx.countInodes(FileType.FILE))).as("no stray inode of the loser").isEqualTo(1);
    }

    @Test
    void anExclusiveCreateThatLosesTheRaceIsEexist() throws Exception {
        rivalCommitsJustBeforeTheInsert(() -> rival.create(file("/f", true)));
        expect(ErrorCode.EEXIST, () -> ns.create(file("/f", true)));
        assertThat(raced).isTrue();
        assertThat(store.<Long>read(tx -> tx.countInodes(FileType.FILE))).isEqualTo(1);
    }

    @Test
    void mkdirThatLosesTheRaceIsEexistAndMkdirParentsUsesTheWinnersDirectory() throws Exception {
        rivalCommitsJustBeforeTheInsert(() -> rival.mkdir(new Requests.Mkdir("/d", 0755, 0, 0, false)));
        expect(ErrorCode.EEXIST, () -> ns.mkdir(new Requests.Mkdir("/d", 0755, 0, 0, false)));
        assertThat(raced).isTrue();

        raced.set(false);
        Attr[] winner = new Attr[1];
        rivalCommitsJustBeforeTheInsert(() -> winner[0] = rival.mkdir(new Requests.Mkdir("/p", 0755, 0, 0, false)));
        Attr deep = ns.mkdir(new Requests.Mkdir("/p/q/r", 0755, 0, 0, true));
        assertThat(raced).isTrue();
        assertThat(ns.attr("/p").inode()).isEqualTo(winner[0].inode());
        assertThat(ns.attr("/p/q/r").inode()).isEqualTo(deep.inode());
        assertThat(ns.attr("/").nlink()).as("root holds /d and /p, counted once each").isEqualTo(4);
    }

    @Test
    void symlinkAndLinkThatLoseTheRaceAreEexist() throws Exception {
        ns.create(file("/target", true));
        rivalCommitsJustBeforeTheInsert(() -> rival.create(file("/s", true)));
        expect(ErrorCode.EEXIST, () -> ns.symlink(new Requests.Symlink("/s", "/target", 0, 0)));
        assertThat(raced).isTrue();

        raced.set(false);
        rivalCommitsJustBeforeTheInsert(() -> rival.create(file("/l", true)));
        expect(ErrorCode.EEXIST, () -> ns.link(new Requests.Link("/target", "/l")));
        assertThat(raced).isTrue();
        assertThat(ns.attr("/target").nlink()).as("the failed link left no count behind").isEqualTo(1);
    }

    @Test
    void aRenameThatLosesTheRaceReplacesTheWinnersFileOrWithNoReplaceIsEexist() throws Exception {
        Attr a = ns.create(file("/a", true));
        rivalCommitsJustBeforeTheInsert(() -> rival.create(file("/b", true)));
        ns.rename(new Requests.Rename("/a", "/b", false));
        assertThat(raced).isTrue();
        assertThat(ns.attr("/b").inode()).isEqualTo(a.inode());
        assertThat(store.<Long>read(tx -> tx.countInodes(FileType.FILE))).as("the replaced file is gone").isEqualTo(1);

        faults.set(null);
        ns.create(file("/c", true));
        raced.set(false);
        rivalCommitsJustBeforeTheInsert(() -> rival.create(file("/d", true)));
        expect(ErrorCode.EEXIST, () -> ns.rename(new Requests.Rename("/c", "/d", true)));
        assertThat(raced).isTrue();
        assertThat(ns.attr("/c").isFile()).isTrue();
    }
}
