package io.cairn.master.security;

import io.cairn.common.client.Credentials;
import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.security.Caller;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Requests;
import io.cairn.master.Callers;
import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;
import io.cairn.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The master checks modes itself, over its real HTTP API, for a token limited in its ids, as the
 * uid and groups the client says it acts as ({@code X-Cairn-As}): a client sending its own
 * requests cannot change, remove, read or write the files of other uids; an unlimited token is
 * served as before, with or without the header.
 */
@Timeout(120)
class MasterModesTest {
    private static final Caller U1500 = new Caller(1500, 1500, List.of());
    private static final Caller U1600 = new Caller(1600, 1600, List.of());

    @TempDir
    Path dir;
    MasterServer master;
    final List<Http> clients = new ArrayList<>();
    MasterClient admin;
    MasterClient team;
    String teamToken;

    @BeforeEach
    void start() throws Exception {
        master = MasterServer.start(MasterConfig.defaults(dir).withPort(0).withReplication(1, 1));
        admin = client(Callers.admin(master));
        teamToken = admin.createToken(new Requests.TokenCreate("team", "read-write", null, null, "1000-1999",
                "1000-1999", true)).token();
        team = client(Credentials.bearer(master.url(), teamToken));
        // mkdir -m 0755 /home /home/u1500 (1500) /home/u1600 (1600); files of 1600 in its dir
        admin.mkdir("/home", 0755, 0, 0, false);
        admin.mkdir("/home/u1500", 0755, 1500, 1500, false);
        admin.mkdir("/home/u1600", 0755, 1600, 1600, false);
        admin.create("/home/u1600/secret", FileType.FILE, 0600, 1600, 1600, null, true);
        admin.create("/home/u1600/open", FileType.FILE, 0644, 1600, 1600, null, true);
    }

    @AfterEach
    void stop() {
        master.close();
        for (Http h : clients) {
            h.client().dispatcher().executorService().shutdown();
            h.client().connectionPool().evictAll();
        }
    }

    private MasterClient client(Credentials c) {
        Http h = new Http(Duration.ofSeconds(10), c, io.cairn.common.tls.ClientTls.JVM_DEFAULT, master.url());
        clients.add(h);
        return new MasterClient(h, master.url());
    }

    private static <T> T as(Caller c, Callable<T> call) throws Exception {
        return Caller.as(c, call);
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    /** The error code {@code call} is answered with as {@code c}, or OK. */
    private static String code(Caller c, ThrowingCall call) throws Exception {
        return as(c, () -> {
            try {
                call.run();
                return "OK";
            } catch (CairnException e) {
                return e.code().name();
            }
        });
    }

    private long inode(String path) throws Exception {
        return admin.attr(path).inode();
    }

    @Test
    void aLimitedTokenCannotChangeReadOrWriteTheFilesOfAnotherUid() throws Exception {
        long open = inode("/home/u1600/open");
        long secret = inode("/home/u1600/secret");
        // rm /home/u1600/open; mv /home/u1600/open /home/u1500/x
        assertThat(code(U1500, () -> team.unlink("/home/u1600/open"))).isEqualTo("EACCES");
        assertThat(code(U1500, () -> team.rename("/home/u1600/open", "/home/u1500/x", false))).isEqualTo("EACCES");
        assertThat(code(U1500, () -> team.create("/home/u1600/new", FileType.FILE, 0644, 1500, 1500, null, true)))
                .isEqualTo("EACCES");
        // chmod 0666 /home/u1600/open
        assertThat(code(U1500, () -> team.setAttr(new Requests.SetAttr("/home/u1600/open", null, 0666, null, null,
                null, null, null)))).isEqualTo("EPERM");
        // truncate -s 0, by path and by inode
        assertThat(code(U1500, () -> team.setAttr(new Requests.SetAttr("/home/u1600/open", null, null, null, null,
                0L, null, null)))).isEqualTo("EACCES");
        assertThat(code(U1500, () -> team.setAttr(new Requests.SetAttr(null, open, null, null, null, 0L, null, null))))
                .isEqualTo("EACCES");
        // touch -d 2000-01-01
        assertThat(code(U1500, () -> team.setAttr(new Requests.SetAttr("/home/u1600/open", null, null, null, null,
                null, 1L, 1L)))).isEqualTo("EPERM");
        // writes: allocations and commits
        assertThat(code(U1500, () -> team.allocate(open, List.of(), null))).isEqualTo("EACCES");
        assertThat(code(U1500, () -> team.commit(new Requests.Commit(open, 0, List.of(), null)))).isEqualTo("EACCES");
        assertThat(code(U1500, () -> team.createForWriting("/home/u1600/open", 0644, 1500, 1500, false)))
                .as("a create of an existing file that would lease it a chunk").isEqualTo("EACCES");
        // cat /home/u1600/secret: its layout
        assertThat(code(U1500, () -> team.layout(secret, 0, 10))).isEqualTo("EACCES");
        assertThat(code(U1500, () -> team.layout(open, 0, 10))).as("0644 is readable").isEqualTo("OK");
        assertThat(admin.listAll("/home/u1600")).hasSize(2);
        assertThat(admin.attr("/home/u1600/open").mode() & 07777).isEqualTo(0644);
        // the owner may do all of it
        assertThat(code(U1600, () -> team.setAttr(new Requests.SetAttr("/home/u1600/open", null, 0600, null, null,
                0L, 1L, 1L)))).isEqualTo("OK");
        assertThat(code(U1600, () -> team.layout(secret, 0, 10))).isEqualTo("OK");
        assertThat(code(U1600, () -> team.commit(new Requests.Commit(secret, 0, List.of(), null)))).isEqualTo("OK");
        assertThat(code(U1600, () -> team.rename("/home/u1600/open", "/home/u1600/o2", false))).isEqualTo("OK");
        assertThat(code(U1600, () -> team.unlink("/home/u1600/o2"))).isEqualTo("OK");
    }

    @Test
    void aLimitedTokenWorksInItsOwnDirectory() throws Exception {
        Attr f = as(U1500, () -> team.createForWriting("/home/u1500/f", 0444, null, null, true).attr());
        assertThat(List.of(f.uid(), f.gid())).containsExactly(1500, 1500);
        // its maker writes a 0444 file through the descriptor it holds
        assertThat(code(U1500, () -> team.commit(new Requests.Commit(f.inode(), 0, List.of(), null)))).isEqualTo("OK");
        assertThat(code(U1500, () -> team.allocate(f.inode(), List.of(), null))).as("no datanode, but not refused")
                .isEqualTo("ENONODES");
        assertThat(code(U1500, () -> team.mkdir("/home/u1500/d", 0755, null, null, false))).isEqualTo("OK");
        assertThat(code(U1500, () -> team.rename("/home/u1500/f", "/home/u1500/d/g", false))).isEqualTo("OK");
        assertThat(code(U1500, () -> team.setAttr(new Requests.SetAttr("/home/u1500/d/g", null, 0644, null, null,
                null, null, null)))).isEqualTo("OK");
        assertThat(code(U1500, () -> team.unlink("/home/u1500/d/g"))).isEqualTo("OK");
        assertThat(code(U1500, () -> team.rmdir("/home/u1500/d"))).isEqualTo("OK");
        assertThat(code(U1500, () -> team.create("/home/u1500/h", FileType.FILE, 0644, 1600, null, null, true)))
                .as("a file given another uid").isEqualTo("EPERM");
    }

    @Test
    void aLimitedTokenActsOnlyAsAUidInItsRangesAndMustSayWhich() throws Exception {
        CairnException e = as(new Caller(2000, 1500, List.of()), () -> {
            try {
                team.attr("/home");
                return null;
            } catch (CairnException x) {
                return x;
            }
        });
        assertThat(e.code().name()).isEqualTo("EPERM");
        assertThat(e.getMessage()).contains("this token may act as uids 1000-1999 only, not 2000");
        assertThat(code(new Caller(0, 0, List.of()), () -> team.unlink("/home/u1600/open"))).isEqualTo("EPERM");
        assertThat(admin.listAll("/home/u1600")).hasSize(2);

        RawHttp.Reply none = RawHttp.send(master.port(), "GET /api/v1/fs/attr?path=/home HTTP/1.1\r\nContent-Length: 0"
                + "\r\nAuthorization: Bearer " + teamToken, new byte[0]);
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.body()).contains("EPERM").contains("must say which uid");
        RawHttp.Reply bad = RawHttp.send(master.port(), "GET /api/v1/fs/attr?path=/home HTTP/1.1\r\nContent-Length: 0"
                + "\r\nAuthorization: Bearer " + teamToken + "\r\nX-Cairn-As: 1500", new byte[0]);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("EINVAL");
    }

    @Test
    void inAStickyDirectoryOnlyTheOwnerRemovesOrRenamesAFile() throws Exception {
        admin.mkdir("/tmp", 01777, 0, 0, false);
        assertThat(code(U1600, () -> team.create("/tmp/theirs", FileType.FILE, 0666, null, null, null, true)))
                .isEqualTo("OK");
        assertThat(code(U1500, () -> team.unlink("/tmp/theirs"))).isEqualTo("EPERM");
        assertThat(code(U1500, () -> team.rename("/tmp/theirs", "/tmp/mine", false))).isEqualTo("EPERM");
        assertThat(code(U1500, () -> team.create("/tmp/mine", FileType.FILE, 0644, null, null, null, true)))
                .isEqualTo("OK");
        assertThat(code(U1500, () -> team.rename("/tmp/mine", "/tmp/theirs", false)))
                .as("replacing another uid's file").isEqualTo("EPERM");
        assertThat(code(U1500, () -> team.unlink("/tmp/mine"))).isEqualTo("OK");
        assertThat(code(U1600, () -> team.unlink("/tmp/theirs"))).isEqualTo("OK");
    }

    @Test
    void aSupplementaryGroupOpensWhatItsGroupBitsAllow() throws Exception {
        // -rw-rw---- 1600:1700
        long shared = admin.create("/home/u1600/shared", FileType.FILE, 0660, 1600, 1700, null, true).inode();
        Caller member = new Caller(1500, 1500, List.of(1700));
        assertThat(code(member, () -> team.layout(shared, 0, 10))).isEqualTo("OK");
        assertThat(code(member, () -> team.commit(new Requests.Commit(shared, 0, List.of(), null)))).isEqualTo("OK");
        assertThat(code(U1500, () -> team.layout(shared, 0, 10))).isEqualTo("EACCES");
        assertThat(code(U1500, () -> team.commit(new Requests.Commit(shared, 0, List.of(), null)))).isEqualTo("EACCES");
        // a group outside the token's gids is dropped, not trusted: -rw-rw---- 1600:5
        long outside = admin.create("/home/u1600/outside", FileType.FILE, 0660, 1600, 5, null, true).inode();
        assertThat(code(new Caller(1500, 1500, List.of(5)), () -> team.layout(outside, 0, 10))).isEqualTo("EACCES");
        // chgrp 1700 of its own file, as a member
        Attr mine = as(member, () -> team.create("/home/u1500/m", FileType.FILE, 0644, null, null, null, true));
        assertThat(as(member, () -> team.setAttr(new Requests.SetAttr("/home/u1500/m", null, null, null, 1700, null,
                null, null))).gid()).isEqualTo(1700);
        assertThat(code(U1500, () -> team.setAttr(new Requests.SetAttr(null, mine.inode(), null, null, 1800, null, null,
                null)))).isEqualTo("EPERM");
    }

    @Test
    void aTokenNotLimitedInItsIdsIsServedWithoutTheHeader() throws Exception {
        String token = admin.createToken(new Requests.TokenCreate("all", "read-write", null, null, null, null, null))
                .token();
        RawHttp.Reply r = RawHttp.send(master.port(), "GET /api/v1/fs/attr?path=/home/u1600/secret HTTP/1.1\r\n"
                + "Content-Length: 0\r\nAuthorization: Bearer " + token, new byte[0]);
        assertThat(r.status()).isEqualTo(200);
        MasterClient all = client(Credentials.bearer(master.url(), token));
        assertThat(code(U1500, () -> all.unlink("/home/u1600/secret"))).as("the uid it claims is not checked")
                .isEqualTo("OK");
    }

    @Test
    void aTokenThatSquashesEveryoneActsAsNobodyWhoeverCalls() throws Exception {
        String t = admin.createToken(new Requests.TokenCreate("guests", "read-write", null, null, null, null, null,
                true)).token();
        MasterClient guests = client(Credentials.bearer(master.url(), t));
        admin.mkdir("/drop", 0777, 0, 0, false);
        Attr made = as(U1500, () -> guests.create("/drop/note", FileType.FILE, 0644, 1500, 1500, null, true));
        assertThat(made.uid()).as("uid 1500 acts as nobody").isEqualTo(Owners.NOBODY);
        assertThat(made.gid()).isEqualTo(Owners.NOBODY);
        assertThat(code(U1600, () -> guests.unlink("/home/u1600/open"))).as("not 1600's to remove").isEqualTo("EACCES");
        assertThat(code(U1600, () -> guests.layout(inode("/home/u1600/secret"), 0, 10))).isEqualTo("EACCES");
        assertThat(code(new Caller(0, 0, List.of()), () -> guests.setAttr(new Requests.SetAttr("/drop/note", null,
                0600, null, null, null, null, null)))).as("root too is nobody, and nobody owns the note").isEqualTo("OK");
        assertThat(admin.tokens()).filteredOn(i -> i.name().equals("guests")).singleElement()
                .satisfies(i -> assertThat(i.squashAll()).isTrue());
    }
}
