package io.cairn.master.namespace;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.InodePaths;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.ListPage;
import io.cairn.common.wire.Requests;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamespaceTest {
    private static final long C = 1 << 20;
    private static final String N1 = "00000000-0000-0000-0000-000000000001";
    @TempDir
    Path dir;
    JdbcMetadataStore store;
    Namespace ns;
    ChunkLists chunks;
    Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00.123456789Z"), ZoneOffset.UTC);

    private TestStores.Opened opened;

    /** The engine the namespace is stored on: SQLite here, PostgreSQL in {@link PostgresNamespaceTest}. */
    TestStores.Engine engine() {
        return TestStores.Engine.SQLITE;
    }

    @BeforeEach
    void open() throws Exception {
        opened = TestStores.open(engine(), dir);
        store = opened.store();
        NodeRegistry nodes = new NodeRegistry(clock, Duration.ofSeconds(15), C);
        chunks = new ChunkLists(store, nodes, clock, C, 2, 1);
        ns = new Namespace(store, clock, chunks);
        ns.init();
    }

    @AfterEach
    void close() {
        if (opened != null) {
            opened.close();
        }
    }

    @Test
    void whatIsMadeInASetGroupIdDirectoryTakesItsGroupAndADirectoryTheBitToo() throws Exception {
        ns.mkdir(new Requests.Mkdir("/shared", 02775, 0, 50, false));
        Attr sub = ns.mkdir(new Requests.Mkdir("/shared/sub", 0755, 1000, 1000, false));
        assertThat(sub.gid()).isEqualTo(50);
        assertThat(sub.mode()).isEqualTo(02755);
        Attr f = ns.create(new Requests.Create("/shared/sub/f", FileType.FILE, 0644, 1000, 1000, null, true));
        assertThat(f.gid()).isEqualTo(50);
        assertThat(f.mode()).isEqualTo(0644);
        assertThat(ns.symlink(new Requests.Symlink("/shared/l", "f", 1000, 1000)).gid()).isEqualTo(50);
        assertThat(ns.create(new Requests.Create("/plain", FileType.FILE, 0644, 1000, 1000, null, true)).gid()).isEqualTo(1000);
    }

    // ---- extended attributes

    @Test
    void extendedAttributesAreSetReadListedAndRemovedWithLinuxsFlagsAndErrors() throws Exception {
        file("/x");
        Xattrs x = ns.xattrs();
        byte[] binary = {0, (byte) 0xff, 7};
        x.set(new Requests.SetXattr("/x", "user.b", binary, 0), null);
        x.set(new Requests.SetXattr("/x", "user.a", new byte[0], Requests.SetXattr.CREATE), null);
        x.set(new Requests.SetXattr("/x", "trusted.z", "t".getBytes(), 0), null);
        assertThat(x.get("/x", "user.b").value()).containsExactly(0, 0xff, 7);
        assertThat(x.get("/x", "user.a").value()).isEmpty();
        assertThat(x.list("/x").names()).containsExactly("trusted.z", "user.a", "user.b"); // byte order
        expect(ErrorCode.EEXIST, () -> x.set(new Requests.SetXattr("/x", "user.a", new byte[1], Requests.SetXattr.CREATE), null));
        expect(ErrorCode.ENODATA, () -> x.set(new Requests.SetXattr("/x", "user.c", new byte[1], Requests.SetXattr.REPLACE), null));
        x.set(new Requests.SetXattr("/x", "user.a", "new".getBytes(), Requests.SetXattr.REPLACE), null);
        assertThat(new String(x.get("/x", "user.a").value())).isEqualTo("new");
        expect(ErrorCode.ENODATA, () -> x.get("/x", "user.c"));
        expect(ErrorCode.ENODATA, () -> x.remove(new Requests.RemoveXattr("/x", "user.c"), null));
        x.remove(new Requests.RemoveXattr("/x", "user.b"), null);
        assertThat(x.list("/x").names()).containsExactly("trusted.z", "user.a");
        expect(ErrorCode.ENOENT, () -> x.get("/nothing", "user.a"));
    }

    @Test
    void extendedAttributeNamesValuesAndTheirListAreBoundedAsOnLinux() throws Exception {
        file("/x");
        Xattrs x = ns.xattrs();
        expect(ErrorCode.EFBIG, () -> x.set(new Requests.SetXattr("/x", "user.big", new byte[65537], 0), null));
        x.set(new Requests.SetXattr("/x", "user.max", new byte[65536], 0), null);
        expect(ErrorCode.ENAMETOOLONG, () -> x.set(new Requests.SetXattr("/x", "user." + "n".repeat(251), new byte[1], 0), null));
        x.set(new Requests.SetXattr("/x", "user." + "n".repeat(250), new byte[1], 0), null);
        for (String bad : new String[] {"user.", "system.posix_acl_access", "other.x", "", "user.a\0b"}) {
            expect(ErrorCode.EINVAL, () -> x.set(new Requests.SetXattr("/x", bad, new byte[1], 0), null));
        }
        expect(ErrorCode.EINVAL, () -> x.set(new Requests.SetXattr("/x", "user.f", new byte[1], 3), null));
        // names of 250 bytes + NUL: the 64 KiB list holds 257 of them (with the two above), not one more
        file("/many");
        int fitted = 0;
        try {
            for (; fitted < 300; fitted++) {
                x.set(new Requests.SetXattr("/many", String.format("user.%0245d", fitted), new byte[0], 0), null);
            }
        } catch (CairnException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.ENOSPC);
        }
        assertThat(fitted).isEqualTo(65536 / 251);
        assertThat(Xattrs.listBytes(x.list("/many").names())).isLessThanOrEqualTo(65536);
        x.set(new Requests.SetXattr("/many", String.format("user.%0245d", 0), new byte[3], 0), null); // replacing needs no room
    }

    @Test
    void anInodesExtendedAttributesGoWithItsLastNameAndAChangeMovesItsCtime() throws Exception {
        Attr a = file("/x");
        ns.link(new Requests.Link("/x", "/y"));
        ns = new Namespace(store, Clock.offset(clock, Duration.ofSeconds(5)), chunks);
        Xattrs x = ns.xattrs();
        x.set(new Requests.SetXattr("/x", "user.k", "v".getBytes(), 0), null);
        assertThat(ns.attr("/y").ctimeNs()).isEqualTo(a.ctimeNs() + 5_000_000_000L);
        assertThat(ns.attr("/y").mtimeNs()).isEqualTo(a.mtimeNs());
        assertThat(new String(x.get("/y", "user.k").value())).isEqualTo("v"); // one inode, two names
        ns.unlink("/x");
        assertThat(x.list("/y").names()).containsExactly("user.k");
        ns.unlink("/y");
        List<String> left = store.read(tx -> tx.xattrNames(a.inode()));
        assertThat(left).isEmpty();
    }

    @Test
    void aCreateOnlySetSentAgainUnderItsRequestIdIsAnsweredAsTheFirstTime() throws Exception {
        file("/x");
        Requests.SetXattr once = new Requests.SetXattr("/x", "user.k", "v".getBytes(), Requests.SetXattr.CREATE);
        ns.xattrs().set(once, "req-xattr-1");
        assertThat(ns.xattrs().set(once, "req-xattr-1").ok()).isTrue();
        expect(ErrorCode.EEXIST, () -> ns.xattrs().set(once, "req-xattr-2"));
    }

    private Attr mkdir(String p) throws Exception {
        return ns.mkdir(new Requests.Mkdir(p, 0755, 0, 0, false));
    }

    private Attr file(String p) throws Exception {
        return ns.create(new Requests.Create(p, FileType.FILE, 0644, 1000, 1000, null, true));
    }

    private static void expect(ErrorCode code, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(code));
    }

    private static String chunkId(int n) {
        return String.format("%032x", n);
    }

    /** A writer's leases on the chunk ids it was given, as POST /fs/allocate grants them. */
    private void leased(long inode, String... ids) throws Exception {
        store.write(tx -> {
            for (String id : ids) {
                tx.putLease(id, inode, Long.MAX_VALUE);
            }
            return null;
        });
    }

    @Test
    void mkdirParentsCreatesTheWholeChainAndCountsSubdirectoryLinks() throws Exception {
        Attr b = ns.mkdir(new Requests.Mkdir("/a/b", 0700, 5, 6, true));
        assertThat(b.isDir()).isTrue();
        assertThat(b.mode()).isEqualTo(0700);
        assertThat(ns.attr("/a").nlink()).isEqualTo(3);
        assertThat(ns.mkdir(new Requests.Mkdir("/a/b", 0700, 5, 6, true)).inode()).isEqualTo(b.inode());
        expect(ErrorCode.EEXIST, () -> mkdir("/a/b"));
        expect(ErrorCode.ENOENT, () -> mkdir("/x/y"));
    }

    @Test
    void rmdirRefusesANonEmptyDirectory() throws Exception {
        mkdir("/d");
        file("/d/f");
        expect(ErrorCode.ENOTEMPTY, () -> ns.rmdir("/d"));
        expect(ErrorCode.ENOTDIR, () -> ns.rmdir("/d/f"));
        ns.unlink("/d/f");
        ns.rmdir("/d");
        expect(ErrorCode.ENOENT, () -> ns.attr("/d"));
        assertThat(ns.attr("/").nlink()).isEqualTo(2);
    }

    @Test
    void exclusiveCreateFailsWhenTheNameExistsAndPlainCreateReturnsTheFile() throws Exception {
        Attr f = file("/f");
        expect(ErrorCode.EEXIST, () -> file("/f"));
        Attr again = ns.create(new Requests.Create("/f", FileType.FILE, 0600, 0, 0, null, false));
        assertThat(again.inode()).isEqualTo(f.inode());
        mkdir("/d");
        expect(ErrorCode.EISDIR, () -> ns.create(new Requests.Create("/d", FileType.FILE, 0600, 0, 0, null, false)));
        expect(ErrorCode.ENOTDIR, () -> file("/f/x"));
    }

    @Test
    void badNamesAreRefused() throws Exception {
        expect(ErrorCode.EINVAL, () -> file("/a/../b"));
        expect(ErrorCode.EINVAL, () -> file("relative"));
        expect(ErrorCode.EINVAL, () -> file("/nul\0byte"));
        expect(ErrorCode.ENAMETOOLONG, () -> file("/" + "x".repeat(256)));
        expect(ErrorCode.ENAMETOOLONG, () -> file("/" + "d/".repeat(2100) + "f"));
        assertThat(file("/" + "é".repeat(127)).isFile()).isTrue();
    }

    @Test
    void renameReplacesAnExistingFileAtomically() throws Exception {
        Attr a = file("/a");
        file("/b");
        ns.rename(new Requests.Rename("/a", "/b", false));
        assertThat(ns.attr("/b").inode()).isEqualTo(a.inode());
        expect(ErrorCode.ENOENT, () -> ns.attr("/a"));
        file("/c");
        expect(ErrorCode.EEXIST, () -> ns.rename(new Requests.Rename("/c", "/b", true)));
    }

    @Test
    void renameMovesDirectoriesAcrossParentsButNeverIntoThemselves() throws Exception {
        mkdir("/x");
        mkdir("/x/y");
        file("/x/y/f");
        mkdir("/z");
        ns.rename(new Requests.Rename("/x/y", "/z/y", false));
        assertThat(ns.attr("/z/y/f").isFile()).isTrue();
        assertThat(ns.attr("/x").nlink()).isEqualTo(2);
        assertThat(ns.attr("/z").nlink()).isEqualTo(3);
        expect(ErrorCode.EINVAL, () -> ns.rename(new Requests.Rename("/z", "/z/y/inside", false)));
        mkdir("/empty");
        ns.rename(new Requests.Rename("/z/y", "/empty", false));
        assertThat(ns.attr("/empty/f").isFile()).isTrue();
        mkdir("/full");
        file("/full/g");
        expect(ErrorCode.ENOTEMPTY, () -> ns.rename(new Requests.Rename("/empty", "/full", false)));
        expect(ErrorCode.EISDIR, () -> ns.rename(new Requests.Rename("/empty/f", "/full", false)));
        expect(ErrorCode.ENOTDIR, () -> ns.rename(new Requests.Rename("/full", "/empty/f", false)));
    }

    // ---- inode paths: /.cairn-inodes/N/rest, what a mount sends for a path deeper than PATH_MAX

    @Test
    void anInodePathNamesWhatLiesBeneathThatDirectoryForEveryCall() throws Exception {
        Attr d = ns.mkdir(new Requests.Mkdir("/a/b", 0755, 0, 0, true));
        String in = InodePaths.of(d.inode(), "/");
        assertThat(ns.attr(in).inode()).isEqualTo(d.inode());
        Attr f = ns.create(new Requests.Create(InodePaths.of(d.inode(), "/f"), FileType.FILE, 0644, 0, 0, null, true));
        assertThat(ns.attr("/a/b/f").inode()).isEqualTo(f.inode());
        assertThat(ns.mkdir(new Requests.Mkdir(InodePaths.of(d.inode(), "/c/e"), 0755, 0, 0, true)).isDir()).isTrue();
        assertThat(ns.attr("/a/b/c/e").isDir()).isTrue();
        ns.symlink(new Requests.Symlink(InodePaths.of(d.inode(), "/s"), "f", 0, 0));
        assertThat(ns.attr("/a/b/s").type()).isEqualTo(FileType.SYMLINK);
        ns.link(new Requests.Link(InodePaths.of(d.inode(), "/f"), "/a/g"));
        assertThat(ns.attr("/a/g").inode()).isEqualTo(f.inode());
        ns.rename(new Requests.Rename("/a/g", InodePaths.of(d.inode(), "/c/g"), false));
        assertThat(ns.attr("/a/b/c/g").inode()).isEqualTo(f.inode());
        ListPage page = ns.list(in, null, 100);
        assertThat(page.entries()).extracting(e -> e.name()).containsExactlyInAnyOrder("c", "f", "s");
        ns.unlink(InodePaths.of(d.inode(), "/c/g"));
        ns.rmdir(InodePaths.of(d.inode(), "/c/e"));
        assertThat(ns.attr("/a/b/c").nlink()).isEqualTo(2);
        expect(ErrorCode.EINVAL, () -> ns.rmdir(in)); // the inode itself is no entry to remove or move
        expect(ErrorCode.EINVAL, () -> ns.rename(new Requests.Rename(in, "/moved", false)));
        expect(ErrorCode.ENOTDIR, () -> ns.attr(InodePaths.of(f.inode(), "/x")));
        expect(ErrorCode.ENOENT, () -> ns.attr(InodePaths.of(999_999, "/")));
        expect(ErrorCode.EINVAL, () -> ns.attr("/" + InodePaths.ROOT_NAME + "/0"));
        expect(ErrorCode.EINVAL, () -> ns.attr("/" + InodePaths.ROOT_NAME + "/x/f"));
        expect(ErrorCode.EINVAL, () -> ns.attr("/" + InodePaths.ROOT_NAME));
    }

    @Test
    void theReservedNameCannotBeMadeAtTheRootButIsAnOrdinaryNameBelowIt() throws Exception {
        expect(ErrorCode.EINVAL, () -> mkdir("/" + InodePaths.ROOT_NAME));
        expect(ErrorCode.EINVAL, () -> file("/" + InodePaths.ROOT_NAME));
        file("/x");
        expect(ErrorCode.EINVAL, () -> ns.rename(new Requests.Rename("/x", "/" + InodePaths.ROOT_NAME, false)));
        mkdir("/d");
        assertThat(mkdir("/d/" + InodePaths.ROOT_NAME).isDir()).isTrue();
        assertThat(ns.attr("/d/" + InodePaths.ROOT_NAME).isDir()).isTrue();
    }

    @Test
    void noRenameMovesADirectoryBeneathItselfHoweverItsPathsAreGiven() throws Exception {
        mkdir("/top");
        Attr mid = mkdir("/top/mid");
        Attr low = ns.mkdir(new Requests.Mkdir("/top/mid/low/lower", 0755, 0, 0, true));
        expect(ErrorCode.EINVAL, () -> ns.rename(new Requests.Rename("/top/mid", InodePaths.of(low.inode(), "/mid"), false)));
        expect(ErrorCode.EINVAL, () -> ns.rename(new Requests.Rename(InodePaths.of(mid.inode(), "/low"),
                InodePaths.of(low.inode(), "/low"), false)));
        assertThat(ns.attr("/top/mid/low/lower").inode()).isEqualTo(low.inode());
        ns.rename(new Requests.Rename("/top/mid/low/lower", InodePaths.of(mid.inode(), "/lower"), false));
        assertThat(ns.attr("/top/mid/lower").inode()).isEqualTo(low.inode());
    }

    // ---- files unlinked while a mount has them open

    private io.cairn.master.locks.Locks sessions() {
        return new io.cairn.master.locks.Locks(store, clock, Duration.ofSeconds(10), ns::attr,
                new io.cairn.master.events.Events(store, clock), ns::sessionEnded);
    }

    private List<String> garbageOf(String node) throws Exception {
        long past = Instant.parse("2026-11-24T11:00:00Z").getEpochSecond() * 1_000_000_000L;
        return store.write(tx -> tx.queuedGarbage(node, past, 10));
    }

    @Test
    void aFileUnlinkedForAMountThatHasItOpenStaysNamelessUntilThatMountReleasesIt() throws Exception {
        String s = sessions().open(new Requests.OpenSession("test")).session();
        mkdir("/d");
        Attr f = file("/d/f");
        leased(f.inode(), chunkId(1), chunkId(2));
        chunks.commit(new Requests.Commit(f.inode(), 10, List.of(
                new Requests.CommitChunk(0, chunkId(1), 10, 10, 7, List.of(N1))), null));
        ns.unlink("/d/f", s, null, io.cairn.master.security.Permissions.UNCHECKED);
        expect(ErrorCode.ENOENT, () -> ns.attr("/d/f"));
        assertThat(ns.attr(f.inode()).nlink()).isZero();
        assertThat(ns.holds("/d", f.inode())).as("it lies where its name was, for a confined token").isTrue();
        assertThat(garbageOf(N1)).isEmpty();
        ns.rmdir("/d"); // nothing is left in it
        // the mount still writes through its descriptor
        Attr grown = chunks.commit(new Requests.Commit(f.inode(), C + 5, List.of(
                new Requests.CommitChunk(1, chunkId(2), 5, 5, 9, List.of(N1))), null));
        assertThat(grown.size()).isEqualTo(C + 5);
        ns.release(s, f.inode(), null);
        expect(ErrorCode.ENOENT, () -> ns.attr(f.inode()));
        assertThat(garbageOf(N1)).containsExactlyInAnyOrder(chunkId(1), chunkId(2));
        ns.release(s, f.inode(), null); // again: nothing to do
    }

    @Test
    void aFileKeptForASessionGoesWhenTheSessionEnds() throws Exception {
        io.cairn.master.locks.Locks locks = sessions();
        String s = locks.open(new Requests.OpenSession("test")).session();
        Attr old = file("/old");
        ns.unlink("/old", s, null, io.cairn.master.security.Permissions.UNCHECKED);
        assertThat(ns.attr(old.inode()).nlink()).isZero();
        locks.close(new Requests.SessionRef(s)); // the mount unmounted
        expect(ErrorCode.ENOENT, () -> ns.attr(old.inode()));
    }

    @Test
    void aFileWithAnotherNameOrASessionThatIsGoneIsNotKept() throws Exception {
        String s = sessions().open(new Requests.OpenSession("test")).session();
        Attr f = file("/f");
        ns.link(new Requests.Link("/f", "/g"));
        ns.unlink("/f", s, null, io.cairn.master.security.Permissions.UNCHECKED);
        assertThat(ns.attr(f.inode()).nlink()).isEqualTo(1);
        ns.release(s, f.inode(), null); // not kept: nothing happens
        assertThat(ns.attr("/g").inode()).isEqualTo(f.inode());
        String ended = "0".repeat(32);
        expect(ErrorCode.ESTALE, () -> ns.unlink("/g", ended, null, io.cairn.master.security.Permissions.UNCHECKED));
        assertThat(ns.attr("/g").inode()).as("a refused unlink changes nothing").isEqualTo(f.inode());
        expect(ErrorCode.EINVAL, () -> ns.unlink("/g", "nope", null, io.cairn.master.security.Permissions.UNCHECKED));
        expect(ErrorCode.EINVAL, () -> ns.release(null, f.inode(), null));
        ns.unlink("/g");
        expect(ErrorCode.ENOENT, () -> ns.attr(f.inode()));
    }

    @Test
    void hardLinksShareAnInodeAndTheLastUnlinkDropsItsChunks() throws Exception {
        Attr f = file("/f");
        leased(f.inode(), chunkId(1));
        chunks.commit(new Requests.Commit(f.inode(), 10, List.of(
                new Requests.CommitChunk(0, chunkId(1), 10, 10, 7, List.of(N1))), null));
        Attr linked = ns.link(new Requests.Link("/f", "/g"));
        assertThat(linked.inode()).isEqualTo(f.inode());
        assertThat(linked.nlink()).isEqualTo(2);
        ns.unlink("/f");
        assertThat(ns.attr("/g").nlink()).isEqualTo(1);
        assertThat(chunks.layout(f.inode(), 0, 10).chunks()).hasSize(1);
        ns.unlink("/g");
        expect(ErrorCode.ENOENT, () -> ns.attr(f.inode()));
        long past = Instant.parse("2026-11-24T11:00:00Z").getEpochSecond() * 1_000_000_000L;
        assertThat(store.<java.util.List<String>>write(tx -> tx.queuedGarbage(N1, past, 10))).containsExactly(chunkId(1));
        mkdir("/d");
        expect(ErrorCode.EPERM, () -> ns.link(new Requests.Link("/d", "/d2")));
    }

    @Test
    void symlinksAndSpecialFilesAreKeptAsMetadata() throws Exception {
        Attr s = ns.symlink(new Requests.Symlink("/s", "../target with space", 0, 0));
        assertThat(s.type()).isEqualTo(FileType.SYMLINK);
        assertThat(ns.attr("/s").target()).isEqualTo("../target with space");
        Attr fifo = ns.create(new Requests.Create("/p", FileType.FIFO, 0600, 0, 0, null, true));
        assertThat(fifo.type()).isEqualTo(FileType.FIFO);
        Attr dev = ns.create(new Requests.Create("/dev", FileType.CHARDEV, 0600, 0, 0, (1L << 8) | 3, true));
        assertThat(dev.rdev()).isEqualTo(259);
        expect(ErrorCode.EINVAL, () -> ns.setAttr(new Requests.SetAttr("/p", null, null, null, null, 5L, null, null)));
    }

    @Test
    void timesKeepNanosecondsAndDatesFarPast2038() throws Exception {
        file("/t");
        long far = Instant.parse("2300-01-02T03:04:05.987654321Z").getEpochSecond() * 1_000_000_000L + 987654321L;
        long before = -1_000_000_000L * 86400 * 365 + 5; // 1969: negative times survive too
        Attr a = ns.setAttr(new Requests.SetAttr("/t", null, null, null, null, null, before, far - 2 * 987654321L));
        assertThat(a.atimeNs()).isEqualTo(before);
        assertThat(ns.attr("/t").mtimeNs()).isEqualTo(far - 2 * 987654321L);
        assertThat(a.ctimeNs()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z").getEpochSecond() * 1_000_000_000L + 123456789L);
        Attr now = ns.setAttr(new Requests.SetAttr("/t", null, null, null, null, null, Requests.SetAttr.NOW, null));
        assertThat(now.atimeNs()).isEqualTo(a.ctimeNs());
    }

    @Test
    void chmodAndChownChangeOnlyWhatTheyName() throws Exception {
        file("/f");
        Attr a = ns.setAttr(new Requests.SetAttr("/f", null, 04755, null, null, null, null, null));
        assertThat(a.mode()).isEqualTo(04755);
        assertThat(a.uid()).isEqualTo(1000);
        Attr b = ns.setAttr(new Requests.SetAttr("/f", null, null, 7, null, null, null, null));
        assertThat(b.uid()).isEqualTo(7);
        assertThat(b.gid()).isEqualTo(1000);
    }

    @Test
    void truncateDropsWholeChunksAndShortensTheOneItFallsIn() throws Exception {
        Attr f = file("/big");
        leased(f.inode(), chunkId(10), chunkId(11), chunkId(12));
        List<Requests.CommitChunk> list = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            list.add(new Requests.CommitChunk(i, chunkId(10 + i), C, C, i, List.of(N1)));
        }
        chunks.commit(new Requests.Commit(f.inode(), 3 * C, list, null));
        Attr t = ns.setAttr(new Requests.SetAttr("/big", null, null, null, null, C + 100, null, null));
        assertThat(t.size()).isEqualTo(C + 100);
        var layout = chunks.layout(f.inode(), 0, 10);
        assertThat(layout.chunks()).hasSize(2);
        assertThat(layout.chunks().get(1).length()).isEqualTo(100);
        assertThat(layout.chunks().get(1).size()).isEqualTo(C);
        Attr grown = ns.setAttr(new Requests.SetAttr("/big", null, null, null, null, 5 * C, null, null));
        assertThat(grown.size()).isEqualTo(5 * C);
        assertThat(chunks.layout(f.inode(), 0, 10).chunks().get(1).length()).as("grown bytes read as zeros").isEqualTo(100);
    }

    @Test
    void commitReplacesAChunkAndSendsTheOldOneToGarbage() throws Exception {
        Attr f = file("/f");
        leased(f.inode(), chunkId(1), chunkId(2), chunkId(3));
        chunks.commit(new Requests.Commit(f.inode(), 10, List.of(new Requests.CommitChunk(0, chunkId(1), 10, 10, 1, List.of(N1))), null));
        Attr a = chunks.commit(new Requests.Commit(f.inode(), -1, List.of(
                new Requests.CommitChunk(0, chunkId(2), 20, 20, 2, List.of(N1)),
                new Requests.CommitChunk(2, chunkId(3), 5, 5, 3, List.of(N1))), null));
        assertThat(a.size()).as("a negative size grows to cover the chunks").isEqualTo(2 * C + 5);
        assertThat(chunks.layout(f.inode(), 0, 10).chunks()).extracting(c -> c.id()).containsExactly(chunkId(2), chunkId(3));
        long later = Instant.parse("2026-11-24T12:00:00Z").getEpochSecond() * 1_000_000_000L;
        assertThat(store.<java.util.List<String>>write(tx -> tx.queuedGarbage(N1, later, 10))).containsExactly(chunkId(1));
        expect(ErrorCode.EINVAL, () -> chunks.commit(new Requests.Commit(f.inode(), 1, List.of(
                new Requests.CommitChunk(0, "../../etc/passwd", 1, 1, 1, List.of(N1))), null)));
        expect(ErrorCode.EINVAL, () -> chunks.commit(new Requests.Commit(f.inode(), 1, List.of(
                new Requests.CommitChunk(0, chunkId(9), C + 1, 1, 1, List.of(N1))), null)));
    }

    @Test
    void listingsArePagedInNameOrder() throws Exception {
        mkdir("/many");
        for (int i = 0; i < 25; i++) {
            file(String.format("/many/f%02d", i));
        }
        List<String> names = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            ListPage p = ns.list("/many", after, 10);
            p.entries().forEach(e -> names.add(e.name()));
            after = p.next();
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo(3);
        assertThat(names).hasSize(25).isSorted().startsWith("f00").endsWith("f24");
    }
}
