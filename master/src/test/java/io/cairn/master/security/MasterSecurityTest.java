package io.cairn.master.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.client.Credentials;
import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.json.Json;
import io.cairn.common.path.InodePaths;
import io.cairn.common.security.Caller;
import io.cairn.common.security.NodeKeyRing;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.VersionedKeys;
import io.cairn.common.security.NodeSignature;
import io.cairn.common.security.ReplySignature;
import io.cairn.common.security.SecretFile;
import io.cairn.common.security.Tokens;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.DirEntry;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.Callers;
import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;
import io.cairn.server.Route;
import io.cairn.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who may call a real master over its HTTP API, and what each credential opens: every route but
 * the health check refuses a stranger, each token scope opens what it says and no more, revoked,
 * ended and forged tokens open nothing, join tokens are used once, and a datanode's signed calls
 * can be neither replayed nor made for another node.
 */
@Timeout(120)
class MasterSecurityTest {
    private static final String NODE_A = "00000000-0000-0000-0000-00000000000a";
    private static final String NODE_B = "00000000-0000-0000-0000-00000000000b";

    @TempDir
    Path dir;
    MasterServer master;
    final List<Http> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        master = MasterServer.start(MasterConfig.defaults(dir).withPort(0).withReplication(1, 1));
    }

    @AfterEach
    void stop() {
        master.close();
        for (Http h : clients) {
            h.client().dispatcher().executorService().shutdown();
            h.client().connectionPool().evictAll();
        }
    }

    private MasterClient as(Credentials c) {
        Http h = new Http(Duration.ofSeconds(10), c);
        clients.add(h);
        return new MasterClient(h, master.url());
    }

    private MasterClient withToken(String token) {
        return as(Credentials.bearer(master.url(), token));
    }

    private MasterClient admin() {
        return as(Callers.admin(master));
    }

    private static CairnException refusal(ThrowingCall call) {
        try {
            call.run();
        } catch (CairnException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a refusal, got " + e, e);
        }
        throw new AssertionError("expected a refusal, the call was served");
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    private RawHttp.Reply raw(String method, String target, String... headers) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nContent-Length: 0");
        for (String h : headers) {
            head.append("\r\n").append(h);
        }
        return RawHttp.send(master.port(), head.toString(), new byte[0]);
    }

    @Test
    void everyRouteButTheHealthCheckRefusesACallerWithoutCredentials() throws Exception {
        List<Route> routes = master.routes();
        assertThat(routes).hasSizeGreaterThan(25);
        int open = 0;
        int pages = 0;
        for (Route r : routes) {
            String target = r.path().replace("{name}", "x").replace("{id}", "x") + "?path=/&inode=1";
            if (r.path().equals("/healthz")) {
                RawHttp.Reply ok = raw(r.method(), target);
                assertThat(ok.status()).isEqualTo(200);
                assertThat(ok.body()).isEqualTo(r.method().equals("GET") ? "ok\n" : "");
                open++;
                continue;
            }
            if (r.group().equals("page")) { // open: a login form, and nothing of the cluster without a metrics token
                if (r.method().equals("GET")) {
                    RawHttp.Reply form = raw(r.method(), target, "Authorization: Bearer " + Tokens.newToken(Tokens.CLIENT_PREFIX));
                    assertThat(form.status()).isEqualTo(401);
                    assertThat(form.body()).contains("action=\"/login\"").doesNotContain(master.clusterId());
                }
                pages++;
                continue;
            }
            for (String[] creds : new String[][] {{}, {"Authorization: Bearer " + Tokens.newToken(Tokens.CLIENT_PREFIX)},
                    {"Authorization: Bearer not a token"}, {"Authorization: Basic YWRtaW46YWRtaW4="},
                    {"Authorization: " + NodeSignature.SCHEME + " " + NODE_A + " 1 00 AAAA"}}) {
                RawHttp.Reply reply = raw(r.method(), target, creds);
                assertThat(reply.status()).as(r.method() + " " + r.path() + " with " + List.of(creds)).isEqualTo(401);
                if (r.method().equals("HEAD")) {
                    continue; // no body
                }
                JsonNode body = Json.mapper().readTree(reply.body());
                assertThat(body.path("code").asText()).as(r.method() + " " + r.path()).isEqualTo("EAUTH");
                assertThat(body.path("message").asText()).isNotBlank();
            }
        }
        assertThat(open).as("only the health check is open (GET and HEAD)").isEqualTo(2);
        assertThat(pages).as("GET and HEAD /, POST /login and /logout").isEqualTo(4);
        assertThat(routes).as("a HEAD for every GET, behind the same guard")
                .anyMatch(r -> r.method().equals("HEAD") && r.path().equals("/api/v1/fsck"));
    }

    @Test
    void theStatusPageAndTheMetricsNeedTheirTokens() throws Exception {
        MasterClient admin = admin();
        String metrics = admin.createToken("page", "metrics", null).token();
        String rw = admin.createToken("writer", "read-write", null).token();
        // /metrics: any token that sees the cluster; none is refused as the API is
        assertThat(raw("GET", "/metrics").status()).isEqualTo(401);
        RawHttp.Reply scraped = raw("GET", "/metrics", "Authorization: Bearer " + metrics);
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.body()).contains("cairn_datanodes{state=\"live\"}").contains("cairn_files ")
                .contains("cairn_meta_transaction_duration_seconds_bucket").contains("jvm_threads_current");
        // the page: a metrics token by header or by the cookie the login form sets; another kind refused
        RawHttp.Reply byHeader = raw("GET", "/", "Authorization: Bearer " + metrics);
        assertThat(byHeader.status()).isEqualTo(200);
        assertThat(byHeader.body()).contains(master.clusterId()).contains("http-equiv=\"refresh\"");
        RawHttp.Reply refused = login(rw);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("metrics token only").doesNotContain(master.clusterId());
        assertThat(refused.headers()).doesNotContainIgnoringCase("Set-Cookie");
        assertThat(raw("GET", "/", "Authorization: Bearer " + rw).body()).doesNotContain(master.clusterId());
        RawHttp.Reply in = login(metrics);
        assertThat(in.status()).isEqualTo(303);
        assertThat(in.headers()).contains("Set-Cookie: cairn_token=" + metrics + "; Path=/; HttpOnly; SameSite=Strict");
        RawHttp.Reply page = raw("GET", "/", "Cookie: cairn_token=" + metrics);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains(master.clusterId()).contains("id=\"live-count\"");
        assertThat(page.headers()).contains("Content-Security-Policy").contains("X-Frame-Options: DENY");
        RawHttp.Reply hostile = login("<script>alert(1)</script>");
        assertThat(hostile.status()).isEqualTo(401);
        assertThat(hostile.body()).doesNotContain("<script>");
        admin.revokeToken("page");
        Thread.sleep(1000); // tokens are remembered for under a second
        assertThat(raw("GET", "/", "Cookie: cairn_token=" + metrics).body()).doesNotContain(master.clusterId());
    }

    private RawHttp.Reply login(String token) throws IOException {
        String body = "token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8);
        return RawHttp.send(master.port(), "POST /login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded"
                + "\r\nContent-Length: " + body.length(), body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void eachScopeOpensWhatItSaysAndNoMore() throws Exception {
        MasterClient admin = admin();
        MasterClient rw = withToken(admin.createToken("laptop", "read-write", null).token());
        MasterClient ro = withToken(admin.createToken("reader", "read-only", null).token());
        MasterClient metrics = withToken(admin.createToken("prometheus", "metrics", null).token());

        rw.mkdir("/d", null, null, null, false);
        assertThat(ro.attr("/d").isDir()).isTrue();
        assertThat(refusal(() -> ro.mkdir("/e", null, null, null, false)).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> ro.create("/d/f", FileType.FILE, 0644, 0, 0, null, true)).getMessage())
                .contains("reader").contains("read-only");
        assertThat(metrics.status().clusterId()).isEqualTo(master.clusterId());
        assertThat(metrics.events(0, 10).events()).as("monitoring reads the cluster's events").isNotNull();
        assertThat(refusal(() -> metrics.attr("/d")).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> rw.tokens()).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> rw.createToken("mine", "admin", null)).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> rw.fsck("/")).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> rw.decommission(NODE_A)).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> rw.backup(java.io.OutputStream.nullOutputStream())).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> rw.register(new Requests.Register(NODE_A, master.clusterId(), "http://h:1", 1, 0, 0)))
                .code().name()).as("a client is not a datanode").isEqualTo("EACCES");
        assertThat(admin.tokens()).extracting(Replies.TokenInfo::name)
                .contains("admin", "laptop", "reader", "prometheus");
    }

    @Test
    void tokensAreKeptOnlyAsHashesAndListedWithoutThem() throws Exception {
        Replies.TokenMade t = admin().createToken("laptop", "read-write", null);
        String listed = Json.mapper().writeValueAsString(admin().tokens());
        assertThat(listed).doesNotContain(t.token()).doesNotContain(Tokens.hash(t.token()));
        master.close();
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("meta.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name, hash, scope FROM tokens")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        assertThat(rows).contains("laptop " + Tokens.hash(t.token()) + " read-write");
        assertThat(String.join("\n", rows)).doesNotContain(t.token())
                .doesNotContain(SecretFile.read(master.adminTokenFile()));
        master = MasterServer.start(MasterConfig.defaults(dir).withPort(0));
        assertThat(withToken(t.token()).status().clusterId()).as("kept across a restart").isEqualTo(master.clusterId());
    }

    @Test
    void aConfinedTokenSeesItsDirectoryAsTheRootAndReachesNothingOutside() throws Exception {
        MasterClient admin = admin();
        admin.mkdir("/projects/p1", null, null, null, true);
        admin.mkdir("/secret", null, null, null, false);
        Attr secret = admin.create("/secret/s", FileType.FILE, 0600, 0, 0, null, true);
        admin.create("/projects-old", FileType.FILE, 0600, 0, 0, null, true);
        MasterClient proj = withToken(admin.createToken("proj", "read-write", null, "/projects/").token());
        assertThat(admin.tokens()).filteredOn(t -> t.name().equals("proj")).extracting(Replies.TokenInfo::subtree)
                .containsExactly("/projects");
        assertThat(proj.whoAmI().subtree()).isEqualTo("/projects");

        // its / is /projects, and what it makes lands there
        assertThat(proj.attr("/").inode()).isEqualTo(admin.attr("/projects").inode());
        assertThat(proj.listAll("/")).extracting(DirEntry::name).containsExactly("p1");
        proj.mkdir("/p2", null, null, null, false);
        Replies.Created made = proj.createForWriting("/p2/f", 0644, 0, 0, true);
        proj.rename("/p2/f", "/p1/g", false);
        proj.symlink("/up", "../secret", null, null);
        proj.link("/p1/g", "/p1/h");
        assertThat(admin.listAll("/projects/p1")).extracting(DirEntry::name).containsExactly("g", "h");
        assertThat(admin.attr("/projects/up").type()).isEqualTo(FileType.SYMLINK);
        assertThat(proj.attr(made.attr().inode()).nlink()).as("by inode, inside").isEqualTo(2);
        assertThat(proj.layout(made.attr().inode(), 0, 10).chunks()).isEmpty();

        // .. is no name, a symlink is not followed, and nothing moves out
        for (String up : new String[] {"/..", "/../secret", "/p1/../../secret/s"}) {
            assertThat(refusal(() -> proj.attr(up)).code().name()).as(up).isEqualTo("EINVAL");
            assertThat(refusal(() -> proj.rename("/p2", up, false)).code().name()).as(up).isEqualTo("EINVAL");
            assertThat(refusal(() -> proj.link("/p1/g", up)).code().name()).as(up).isEqualTo("EINVAL");
        }
        assertThat(refusal(() -> proj.attr("/up/s")).code().name()).isEqualTo("ENOTDIR");
        assertThat(refusal(() -> proj.listAll("/up")).code().name()).isEqualTo("ENOTDIR");
        assertThat(refusal(() -> proj.attr("/secret")).code().name()).isEqualTo("ENOENT");
        assertThat(refusal(() -> proj.attr("-old")).code().name()).as("no prefix games").isEqualTo("EINVAL");
        assertThat(refusal(() -> proj.rmdir("/")).code().name()).isEqualTo("EPERM");
        assertThat(refusal(() -> proj.rename("/", "/p1/x", false)).code().name()).isEqualTo("EPERM");
        assertThat(refusal(() -> proj.rename("/p2", "/", false)).code().name()).isEqualTo("EPERM");

        // an inode outside is refused on every call that names one
        long out = secret.inode();
        assertThat(refusal(() -> proj.attr(out)).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> proj.layout(out, 0, 10)).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> proj.allocate(out, List.of(), null)).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> proj.commit(new Requests.Commit(out, 0, List.of(), null))).code().name())
                .isEqualTo("EACCES");
        assertThat(refusal(() -> proj.setAttr(new Requests.SetAttr(null, out, 0777, null, null, null, null, null)))
                .code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> proj.attr(1L)).code().name()).as("the real root").isEqualTo("EACCES");
        assertThat(admin.attr("/secret/s").mode() & 0777).as("untouched").isEqualTo(0600);
        // so is an inode path that starts outside; one that starts inside names what it names
        long secretDir = admin.attr("/secret").inode();
        assertThat(refusal(() -> proj.attr(InodePaths.of(secretDir, "/s"))).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> proj.unlink(InodePaths.of(secretDir, "/s"))).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> proj.rename("/p2", InodePaths.of(secretDir, "/moved"), false)).code().name())
                .isEqualTo("EACCES");
        assertThat(refusal(() -> proj.attr(InodePaths.of(1, "/secret/s"))).code().name()).as("the real root")
                .isEqualTo("EACCES");
        assertThat(proj.attr(InodePaths.of(admin.attr("/projects/p1").inode(), "/g")).inode())
                .isEqualTo(made.attr().inode());
        assertThat(admin.attr("/secret/s").inode()).isEqualTo(out);
        // ... until an admin links it in: then it lies inside by one of its names
        admin.link("/secret/s", "/projects/p1/shared");
        assertThat(proj.attr(out).nlink()).isEqualTo(2);

        // a confined reader reads inside and changes nothing
        MasterClient reader = withToken(admin.createToken("proj-ro", "read-only", null, "/projects/p1").token());
        assertThat(reader.listAll("/")).extracting(DirEntry::name).containsExactly("g", "h", "shared");
        assertThat(refusal(() -> reader.mkdir("/x", null, null, null, false)).code().name()).isEqualTo("EACCES");
        assertThat(refusal(() -> reader.attr(admin.attr("/projects/p2").inode())).code().name()).isEqualTo("EACCES");

        // only an existing directory, and only for tokens of files
        assertThat(refusal(() -> admin.createToken("t1", "read-write", null, "/nowhere")).code().name())
                .isEqualTo("ENOENT");
        assertThat(refusal(() -> admin.createToken("t2", "read-write", null, "/secret/s")).code().name())
                .isEqualTo("ENOTDIR");
        assertThat(refusal(() -> admin.createToken("t3", "admin", null, "/projects")).code().name()).isEqualTo("EINVAL");
        assertThat(refusal(() -> admin.createToken("t4", "read-write", null, "/a/../b")).code().name())
                .isEqualTo("EINVAL");
        assertThat(admin.tokens()).extracting(Replies.TokenInfo::name).doesNotContain("t1", "t2", "t3", "t4");
    }

    @Test
    void aTokenGivesFilesOnlyTheOwnersItWasGivenAndSquashesRoot() throws Exception {
        MasterClient admin = admin();
        MasterClient limited = withToken(admin.createToken(new Requests.TokenCreate("team", "read-write", null, null,
                "1000-1999", "100,200-299", false)).token());
        MasterClient squash = withToken(admin.createToken(new Requests.TokenCreate("lab", "read-write", null, null,
                null, null, true)).token());
        admin.setAttr(new Requests.SetAttr("/", null, 0777, null, null, null, null, null)); // chmod 777 /
        Caller u1000 = new Caller(1000, 100, List.of(250));
        Caller root = new Caller(0, 0, List.of());
        assertThat(Caller.as(u1000, () -> limited.create("/a", FileType.FILE, 0644, 1000, 100, null, true)).uid())
                .isEqualTo(1000);
        for (ThrowingCall c : new ThrowingCall[] {
            () -> limited.create("/b", FileType.FILE, 0644, 5, 100, null, true),
            () -> limited.create("/b", FileType.FILE, 0644, 1000, 101, null, true),
            () -> limited.createForWriting("/b", 0644, 0, 100, true),
            () -> limited.mkdir("/b", null, 2000, 100, false),
            () -> limited.symlink("/b", "a", 0, 0),
            () -> limited.setAttr(new Requests.SetAttr("/a", null, null, 5, null, null, null, null)),
            () -> limited.setAttr(new Requests.SetAttr("/a", null, null, null, 0, null, null, null)),
            () -> limited.setAttr(new Requests.SetAttr("/a", null, null, 1500, null, null, null, null))}) {
            assertThat(refusal(() -> Caller.as(u1000, () -> {
                c.run();
                return null;
            })).code().name()).isEqualTo("EPERM");
        }
        assertThat(refusal(() -> Caller.as(u1000, () -> limited.mkdir("/b", null, 0, 0, false))).getMessage())
                .contains("1000-1999");
        assertThat(admin.listAll("/")).extracting(DirEntry::name).containsExactly("a");
        Attr a = Caller.as(u1000, () -> limited.setAttr(new Requests.SetAttr("/a", null, null, null, 250, null, null,
                null)));
        assertThat(List.of(a.uid(), a.gid())).as("chgrp to a group of its own").containsExactly(1000, 250);
        assertThat(Caller.as(u1000, () -> limited.setAttr(new Requests.SetAttr("/a", null, 0600, null, null, null, null,
                null))).uid()).as("a chmod leaves the owner").isEqualTo(1000);

        Attr byRoot = Caller.as(root, () -> squash.mkdir("/lab", null, 0, 0, false));
        assertThat(List.of(byRoot.uid(), byRoot.gid())).containsExactly(Owners.NOBODY, Owners.NOBODY);
        assertThat(refusal(() -> Caller.as(root, () -> squash.create("/lab/f", FileType.FILE, 0644, 7, 8, null, true)))
                .code().name()).as("nobody may not give a new file to uid 7").isEqualTo("EPERM");
        assertThat(Caller.as(root, () -> squash.create("/lab/f", FileType.FILE, 0644, null, null, null, true)).uid())
                .isEqualTo(Owners.NOBODY);
        assertThat(Caller.as(root, () -> squash.setAttr(new Requests.SetAttr("/lab/f", null, null, 0, null, null, null,
                null))).uid()).isEqualTo(Owners.NOBODY);
        assertThat(admin.tokens()).filteredOn(t -> t.name().equals("team"))
                .extracting(Replies.TokenInfo::uids, Replies.TokenInfo::gids, Replies.TokenInfo::squashRoot)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1000-1999", "100,200-299", false));
        assertThat(refusal(() -> admin.createToken(new Requests.TokenCreate("t5", "admin", null, null, "1-2", null, null)))
                .code().name()).isEqualTo("EINVAL");
        assertThat(refusal(() -> admin.createToken(new Requests.TokenCreate("t6", "read-write", null, null, "9-1", null,
                null))).code().name()).isEqualTo("EINVAL");
    }

    @Test
    void aRevokedTokenStopsWorkingWithinASecondAndAnEndedOneOpensNothing() throws Exception {
        MasterClient admin = admin();
        MasterClient laptop = withToken(admin.createToken("laptop", "read-write", null).token());
        laptop.mkdir("/before", null, null, null, false);
        admin.revokeToken("laptop");
        Thread.sleep(TokenStore.REMEMBER.toMillis() + 100);
        CairnException e = refusal(() -> laptop.attr("/"));
        assertThat(e.code().name()).isEqualTo("EAUTH");
        assertThat(e.getMessage()).contains("revoked");
        assertThat(admin.tokens()).extracting(Replies.TokenInfo::name).doesNotContain("laptop");

        MasterClient brief = withToken(admin.createToken("brief", "read-only", 300L).token());
        assertThat(brief.attr("/").isDir()).isTrue();
        Thread.sleep(400);
        assertThat(refusal(() -> brief.attr("/")).code().name()).isEqualTo("EAUTH");

        assertThat(refusal(() -> admin.revokeToken("admin")).getMessage()).contains("last admin token");
        assertThat(refusal(() -> admin.createToken("laptop2", "root", null)).code().name()).isEqualTo("EINVAL");
        assertThat(refusal(() -> admin.createToken("../x", "read-only", null)).code().name()).isEqualTo("EINVAL");
    }

    @Test
    void aJoinTokenEnrollsOneDatanodeOnceAndOpensNothingElse() throws Exception {
        MasterClient admin = admin();
        Replies.TokenMade join = admin.createJoinToken(null, null);
        MasterClient joiner = withToken(join.token());
        assertThat(refusal(() -> joiner.attr("/")).code().name()).as("a join token is not a client token").isEqualTo("EACCES");
        Replies.Enrolled e = joiner.enroll(NODE_A);
        byte[] clusterKey = NodeKeys.fromText(SecretFile.read(master.clusterKeyFile()));
        assertThat(e.nodeKey()).isEqualTo(NodeKeys.toText(NodeKeys.nodeKey(clusterKey, NODE_A)));
        assertThat(refusal(() -> joiner.enroll(NODE_B)).code().name()).as("used once").isEqualTo("EAUTH");

        assertThat(refusal(() -> withToken(admin.createJoinToken(null, null).token()).enroll(NODE_A)).getMessage())
                .as("an enrolled id cannot be taken with a new join token").contains("enrolled already");
        assertThat(refusal(() -> withToken(admin.createJoinToken(NODE_A, null).token()).enroll(NODE_B)).code().name())
                .as("a token for one node is not for another").isEqualTo("EACCES");
        assertThat(withToken(admin.createJoinToken(NODE_A, null).token()).enroll(NODE_A).nodeKey())
                .as("a token made for the node gives it its key again").isEqualTo(e.nodeKey());
        MasterClient expired = withToken(admin.createJoinToken(null, 200L).token());
        Thread.sleep(300);
        assertThat(refusal(() -> expired.enroll(NODE_B)).code().name()).isEqualTo("EAUTH");
        assertThat(refusal(() -> admin().enroll(NODE_B)).code().name()).as("an admin token is not a join token")
                .isEqualTo("EACCES");
    }

    @Test
    void aRotatedKeyReachesEachDatanodeSealedUnderItsOldOneAndARetiredKeyIsRefused() throws Exception {
        Replies.Enrolled e = withToken(admin().createJoinToken(NODE_A, null).token()).enroll(NODE_A);
        assertThat(e.keyVersion()).isEqualTo(1);
        byte[] k1 = NodeKeys.fromText(e.nodeKey());
        List<String> saved = new ArrayList<>();
        NodeKeyRing ring = NodeKeyRing.parse(e.nodeKey(), saved::add, Clock.systemUTC());
        MasterClient a = as(Credentials.node(master.url(), NODE_A, ring, Clock.systemUTC()));
        Requests.Register reg = new Requests.Register(NODE_A, master.clusterId(), "http://127.0.0.1:6001", 1L << 30, 0, 0);
        a.register(reg);
        assertThat(saved).as("nothing to move to yet").isEmpty();

        assertThat(ClusterKey.rotate(dir)).isEqualTo(2);
        Thread.sleep(ClusterKey.RELOAD_MS + 200);
        Requests.Heartbeat hb = new Requests.Heartbeat(NODE_A, master.clusterId(), "http://127.0.0.1:6001", 1L << 30, 0, 0);
        a.heartbeat(hb);
        assertThat(ring.version()).as("the reply carried its next key").isEqualTo(2);
        byte[] v2 = null;
        for (VersionedKeys.Entry k : VersionedKeys.parse(SecretFile.read(master.clusterKeyFile()))) {
            v2 = k.version() == 2 ? k.key() : v2;
        }
        assertThat(ring.current()).isEqualTo(NodeKeys.nodeKey(v2, NODE_A));
        assertThat(saved).as("saved before it is used").singleElement().asString().startsWith("1:");
        a.heartbeat(hb);
        assertThat(admin().keys().nodes()).containsExactly(new Replies.NodeKeyVersion(NODE_A, 2));
        assertThat(withToken(admin().createJoinToken(NODE_A, null).token()).enroll(NODE_A).keyVersion())
                .as("enrolling again gives the newest").isEqualTo(2);

        // the next key travels sealed: only the old key opens it, and the reply still needs its signature
        byte[] body = Json.mapper().writeValueAsBytes(hb);
        String sig = NodeSignature.sign(k1, 1, NODE_A, "POST", "/api/v1/nodes/heartbeat", System.currentTimeMillis(), body);
        RawHttp.Reply r = post("/api/v1/nodes/heartbeat", sig, body);
        assertThat(r.status()).isEqualTo(200);
        String sealed = null;
        for (String line : r.headers().split("\r?\n")) {
            if (line.regionMatches(true, 0, Credentials.NEXT_KEY_HEADER + ":", 0, Credentials.NEXT_KEY_HEADER.length() + 1)) {
                sealed = line.substring(Credentials.NEXT_KEY_HEADER.length() + 1).trim();
            }
        }
        assertThat(sealed).as("a request signed with the old key is given the new one").isNotNull();
        assertThat(sealed).doesNotContain(NodeKeys.toText(ring.current()));
        assertThat(NodeKeys.unseal(k1, NODE_A, sealed).key()).isEqualTo(ring.current());
        assertThat(NodeKeys.unseal(NodeKeys.nodeKey(v2, NODE_B), NODE_A, sealed)).isNull();

        assertThat(refusal(() -> ClusterKey.retire(dir, 2)).getMessage()).as("the newest stays").contains("newest");
        ClusterKey.retire(dir, 1);
        Thread.sleep(ClusterKey.RELOAD_MS + 200);
        String old = NodeSignature.sign(k1, 1, NODE_A, "POST", "/api/v1/nodes/heartbeat", System.currentTimeMillis(), body);
        RawHttp.Reply refused = post("/api/v1/nodes/heartbeat", old, body);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("version 1").contains("join-token --node " + NODE_A);
        assertThat(ring.key(1)).as("kept until then").isEqualTo(k1);
        assertThat(a.heartbeat(hb)).as("the new key serves").isNotNull();
        assertThat(ring.key(1)).as("the reply said version 1 is no longer held").isNull();
        assertThat(NodeKeyRing.parse(saved.get(saved.size() - 1), l -> { }, Clock.systemUTC()).key(1)).isNull();
    }

    private Credentials signedAs(String claimedId, byte[] key, Clock clock) {
        return Credentials.node(master.url(), claimedId, key, clock);
    }

    @Test
    void aDatanodeSpeaksOnlyForItselfAndItsCallsCannotBeReplayed() throws Exception {
        Requests.Register regA = new Requests.Register(NODE_A, master.clusterId(), "http://127.0.0.1:6001", 1L << 30, 0, 0);
        assertThat(refusal(() -> as(signedAs(NODE_A, new byte[32], Clock.systemUTC())).register(regA)).getMessage())
                .as("not enrolled").contains("has not enrolled");
        Credentials a = Callers.node(master, NODE_A);
        Callers.node(master, NODE_B);
        assertThat(as(a).register(regA).clusterId()).isEqualTo(master.clusterId());

        byte[] keyA = NodeKeys.fromText(withTokenFor(NODE_A));
        assertThat(refusal(() -> as(signedAs(NODE_B, keyA, Clock.systemUTC())).register(
                new Requests.Register(NODE_B, master.clusterId(), "http://127.0.0.1:6002", 1, 0, 0))).getMessage())
                .as("A's key does not sign for B").contains("bad datanode signature");
        assertThat(refusal(() -> as(a).register(new Requests.Register(NODE_B, master.clusterId(), "http://127.0.0.1:6002",
                1, 0, 0))).code().name()).as("A may not speak for B").isEqualTo("EACCES");
        Clock late = Clock.offset(Clock.systemUTC(), NodeSignature.SKEW.plusSeconds(5));
        assertThat(refusal(() -> as(signedAs(NODE_A, keyA, late)).register(regA)).getMessage()).contains("check the clocks");

        // the same signed request twice: the second is refused, as is one whose body was changed
        byte[] body = Json.mapper().writeValueAsBytes(new Requests.Heartbeat(NODE_A, master.clusterId(),
                "http://127.0.0.1:6001", 1L << 30, 0, 0));
        String sig = NodeSignature.sign(keyA, NODE_A, "POST", "/api/v1/nodes/heartbeat", System.currentTimeMillis(), body);
        RawHttp.Reply first = post("/api/v1/nodes/heartbeat", sig, body);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        RawHttp.Reply again = post("/api/v1/nodes/heartbeat", sig, body);
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.body()).contains("replayed");
        // the nonces are kept in the metadata store: a master started again on it (or another master
        // of the cluster on the same store) refuses the request too
        master.close();
        master = MasterServer.start(MasterConfig.defaults(dir).withPort(0).withReplication(1, 1));
        RawHttp.Reply afterRestart = post("/api/v1/nodes/heartbeat", sig, body);
        assertThat(afterRestart.status()).as(afterRestart.body()).isEqualTo(401);
        assertThat(afterRestart.body()).contains("replayed");
        byte[] changed = new String(body, StandardCharsets.UTF_8).replace("6001", "6666").getBytes(StandardCharsets.UTF_8);
        String sig2 = NodeSignature.sign(keyA, NODE_A, "POST", "/api/v1/nodes/heartbeat", System.currentTimeMillis(), body);
        assertThat(post("/api/v1/nodes/heartbeat", sig2, changed).status()).as("a changed body").isEqualTo(401);
        String sig3 = NodeSignature.sign(keyA, NODE_A, "POST", "/api/v1/nodes/report", System.currentTimeMillis(), body);
        assertThat(post("/api/v1/nodes/heartbeat", sig3, body).status()).as("signed for another path").isEqualTo(401);
    }

    @Test
    void aDatanodeTakesOrdersOnlyFromRepliesSignedForItsRequest() throws Exception {
        Credentials a = Callers.node(master, NODE_A);
        Requests.Heartbeat hb = new Requests.Heartbeat(NODE_A, master.clusterId(), "http://127.0.0.1:6001", 1L << 30, 0, 0);
        as(a).register(new Requests.Register(NODE_A, master.clusterId(), "http://127.0.0.1:6001", 1L << 30, 0, 0));
        assertThat(as(a).heartbeat(hb)).as("the master's own replies hold").isNotNull();

        // what the master signs: the node, the request's nonce, the status and the body
        byte[] keyA = NodeKeys.fromText(withTokenFor(NODE_A));
        byte[] body = Json.mapper().writeValueAsBytes(hb);
        String sig = NodeSignature.sign(keyA, NODE_A, "POST", "/api/v1/nodes/heartbeat", System.currentTimeMillis(), body);
        RawHttp.Reply real = post("/api/v1/nodes/heartbeat", sig, body);
        assertThat(real.status()).isEqualTo(200);
        String header = real.headers().lines().filter(l -> l.regionMatches(true, 0, ReplySignature.HEADER + ":", 0,
                ReplySignature.HEADER.length() + 1)).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst()
                .orElseThrow(() -> new AssertionError("no signature on " + real.headers()));
        String nonce = NodeSignature.parse(sig).nonce();
        byte[] replyBody = real.body().getBytes(StandardCharsets.UTF_8);
        String held = real.headers().lines().filter(l -> l.regionMatches(true, 0, ReplySignature.KEY_VERSIONS + ":", 0,
                ReplySignature.KEY_VERSIONS.length() + 1)).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst()
                .orElseThrow(() -> new AssertionError("no key versions on " + real.headers()));
        assertThat(held).isEqualTo("1");
        assertThat(ReplySignature.verify(keyA, NODE_A, nonce, 200, replyBody, header, held)).isTrue();
        assertThat(ReplySignature.verify(keyA, NODE_A, nonce, 200, replyBody, header, "1,2")).as("key versions").isFalse();
        assertThat(ReplySignature.verify(keyA, NODE_A, nonce, 200, replyBody, header)).as("without them").isFalse();
        assertThat(ReplySignature.verify(keyA, NODE_B, nonce, 200, replyBody, header, held)).isFalse();
        assertThat(ReplySignature.verify(keyA, NODE_A, "00".repeat(16), 200, replyBody, header, held)).isFalse();
        assertThat(ReplySignature.verify(keyA, NODE_A, nonce, 201, replyBody, header, held)).isFalse();
        assertThat(ReplySignature.verify(keyA, NODE_A, nonce, 200, (real.body() + " ").getBytes(StandardCharsets.UTF_8),
                header, held)).isFalse();
        assertThat(ReplySignature.verify(new byte[32], NODE_A, nonce, 200, replyBody, header, held)).isFalse();
        assertThat(ReplySignature.verify(keyA, NODE_A, nonce, 200, replyBody, "!!", held)).isFalse();

        // an impostor in the master's place: with no signature, another key's, or the real one of an earlier reply
        String orders = "{\"deleteChunks\":[\"0123456789abcdef0123456789abcdef\"]}";
        String[] signatures = {null, ReplySignature.sign(new byte[32], NODE_A, nonce, 200, orders.getBytes(
                StandardCharsets.UTF_8)), header};
        for (String forged : signatures) {
            com.sun.net.httpserver.HttpServer impostor = com.sun.net.httpserver.HttpServer.create(
                    new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] answer = (forged == header ? real.body() : orders).getBytes(StandardCharsets.UTF_8);
            impostor.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                ex.getResponseHeaders().add("Content-Type", "application/json");
                if (forged != null) {
                    ex.getResponseHeaders().add(ReplySignature.HEADER, forged);
                }
                ex.sendResponseHeaders(200, answer.length);
                ex.getResponseBody().write(answer);
                ex.close();
            });
            impostor.start();
            try {
                String url = "http://127.0.0.1:" + impostor.getAddress().getPort();
                Http h = new Http(Duration.ofSeconds(5), Credentials.node(url, NODE_A, keyA, Clock.systemUTC()));
                clients.add(h);
                assertThatThrownBy(() -> new MasterClient(h, url).heartbeat(hb)).as(String.valueOf(forged))
                        .isInstanceOf(IOException.class).hasMessageContaining("is not signed with this datanode's key");
            } finally {
                impostor.stop(0);
            }
        }
    }

    private String withTokenFor(String nodeId) throws IOException {
        byte[] clusterKey = NodeKeys.fromText(SecretFile.read(master.clusterKeyFile()));
        return NodeKeys.toText(NodeKeys.nodeKey(clusterKey, nodeId));
    }

    private RawHttp.Reply post(String path, String authorization, byte[] body) throws IOException {
        return RawHttp.send(master.port(), "POST " + path + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nAuthorization: " + authorization, body);
    }

    @Test
    void aClientCannotCommitAChunkItWasNotGiven() throws Exception {
        Credentials node = Callers.node(master, NODE_A);
        as(node).register(new Requests.Register(NODE_A, master.clusterId(), "http://127.0.0.1:6001", 1L << 30, 0, 0));
        MasterClient rw = admin();
        long mine = rw.create("/mine", FileType.FILE, 0644, 0, 0, null, true).inode();
        long theirs = rw.create("/theirs", FileType.FILE, 0644, 0, 0, null, true).inode();
        Allocation a = rw.allocate(theirs, List.of(), null);
        CairnException e = refusal(() -> rw.commit(new Requests.Commit(mine, 10, List.of(new Requests.CommitChunk(0,
                a.chunkId(), 10, 10, 0, List.of(NODE_A))), null)));
        assertThat(e.code().name()).isEqualTo("ESTALE");
        assertThat(rw.attr("/mine").size()).isZero();
    }

    @Test
    void theSecretsAreWrittenOwnerOnlyAndALooseOneIsRefused() throws Exception {
        for (Path p : new Path[] {master.clusterKeyFile(), master.adminTokenFile()}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString()).isEqualTo("rw-------");
        }
        String adminToken = SecretFile.read(master.adminTokenFile());
        master.close();
        Files.setPosixFilePermissions(master.clusterKeyFile(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> MasterServer.start(MasterConfig.defaults(dir).withPort(0)))
                .hasMessageContaining("chmod 600").hasMessageContaining("cluster.key")
                .hasMessageNotContaining(SecretFile.class.getName());
        Files.setPosixFilePermissions(master.clusterKeyFile(), PosixFilePermissions.fromString("rw-------"));
        master = MasterServer.start(MasterConfig.defaults(dir).withPort(0));
        assertThat(SecretFile.read(master.adminTokenFile())).as("the first admin token is kept").isEqualTo(adminToken);
    }

    @Test
    void aThousandIdleConnectionsDoNotKeepARealClientWaiting() throws Exception {
        MasterClient admin = admin();
        assertThat(admin.status().clusterId()).isEqualTo(master.clusterId()); // the client's first call, warmed up
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", master.port()), 5000);
                idle.add(s);
            }
            // the quickest of three calls: held up by the idle connections, all three would be slow;
            // one slow call alone is this machine's load
            long ms = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                assertThat(admin.status().clusterId()).isEqualTo(master.clusterId());
                ms = Math.min(ms, (System.nanoTime() - t0) / 1_000_000);
            }
            System.out.println("with 1000 idle connections open, a status call took " + ms + " ms (the quickest of 3)");
            assertThat(ms).as("served within a second").isLessThan(1000);
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }
}
