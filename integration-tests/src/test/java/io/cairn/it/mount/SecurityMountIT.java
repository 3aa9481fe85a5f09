package io.cairn.it.mount;

import io.cairn.common.client.Cluster;
import io.cairn.common.client.TokenFile;
import io.cairn.common.security.SecretFile;
import io.cairn.it.Data;
import io.cairn.it.MiniCluster;
import io.cairn.it.Shell;
import io.cairn.master.security.Owners;
import io.cairn.master.security.Subtree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credentials end to end: a mount is exactly as strong as its token (read-only reads and is
 * refused a write with EACCES; with no token or a revoked one it does not mount), and a cluster
 * made before credentials existed keeps its data while its datanodes enroll under their old ids.
 */
@Timeout(300)
class SecurityMountIT {
    @TempDir
    Path tmp;

    private static Path tokenFile(MiniCluster mc, Path file, String name, String scope) throws Exception {
        SecretFile.write(file, mc.master().tokens().create(name, scope, null, "test").token(), false);
        return file;
    }

    @Test
    void aMountIsAsStrongAsItsToken() throws Exception {
        Mounted.assumeFuse();
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).start()) {
            Path rw = tokenFile(mc, tmp.resolve("rw.token"), "writer", "read-write");
            Path ro = tokenFile(mc, tmp.resolve("ro.token"), "reader", "read-only");
            try (Mounted w = Mounted.at(tmp.resolve("w"), mc.masterUrl()).tokenFile(rw).attrTimeout(Duration.ZERO).start()) {
                w.ok("mkdir d && echo hello > d/f");
            }
            try (Mounted r = Mounted.at(tmp.resolve("r"), mc.masterUrl()).tokenFile(ro).attrTimeout(Duration.ZERO).start()) {
                assertThat(r.ok("cat d/f").out()).isEqualTo("hello\n");
                assertThat(r.stderr()).contains("token reader is read-only: mounting read-only");
                Shell.Result write = r.sh("echo more >> d/f");
                assertThat(write.exit()).isNotZero();
                assertThat(write.err()).contains("Read-only file system");
                Shell.Result mkdir = r.sh("mkdir e");
                assertThat(mkdir.exit()).isNotZero();
                assertThat(mkdir.err()).contains("Read-only file system");
                assertThat(r.ok("cat d/f").out()).as("nothing changed").isEqualTo("hello\n");
            }
            for (String d : new String[] {"n", "x", "l"}) {
                Files.createDirectories(tmp.resolve(d));
            }
            Shell.Result none = Mounted.at(tmp.resolve("n"), mc.masterUrl()).tokenFile(tmp.resolve("missing.token")).fail();
            assertThat(none.exit()).isNotZero();
            assertThat(none.err()).contains("no token file");
            mc.client().master().revokeToken("reader");
            Thread.sleep(1000);
            Shell.Result revoked = Mounted.at(tmp.resolve("x"), mc.masterUrl()).tokenFile(ro).fail();
            assertThat(revoked.exit()).isNotZero();
            assertThat(revoked.err()).contains("revoked");
            Files.setPosixFilePermissions(rw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Shell.Result loose = Mounted.at(tmp.resolve("l"), mc.masterUrl()).tokenFile(rw).fail();
            assertThat(loose.exit()).isNotZero();
            assertThat(loose.err()).contains("chmod 600").doesNotContain(Files.readString(rw).trim());
        }
    }

    @Test
    void aMountWithAConfinedTokenHasItsDirectoryAsItsRootAndItsOwnersOnly() throws Exception {
        Mounted.assumeFuse();
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).chunkSize(64 << 10).start()) {
            var admin = mc.client().master();
            admin.mkdir("/projects", null, Owners.NOBODY, Owners.NOBODY, false); // root here is nobody there
            admin.mkdir("/projects/p1", null, Owners.NOBODY, Owners.NOBODY, false);
            admin.mkdir("/secret", null, null, null, false);
            Path file = tmp.resolve("proj.token");
            SecretFile.write(file, mc.master().tokens().create("proj", "read-write", null, Subtree.of("/projects"),
                    Owners.of("65534,1000-1999", "65534,1000-1999", true), "test").token(), false);
            Path big = Data.randomFile(tmp.resolve("big.bin"), 300_000, 3);
            try (Mounted m = Mounted.at(tmp.resolve("m"), mc.masterUrl()).tokenFile(file).attrTimeout(Duration.ZERO)
                    .start()) {
                assertThat(m.stderr()).contains("token proj is confined to /projects");
                assertThat(m.ok("ls -a").out().split("\n")).containsExactly(".", "..", "p1");
                m.ok("cp " + big + " p1/big.bin && mkdir p1/d && echo hi > p1/d/f && mv p1/d p1/e && ln p1/e/f p1/g"
                        + " && ln -s ../secret up");
                assertThat(m.ok("sha256sum < p1/big.bin").out()).startsWith(Data.sha256(big));
                assertThat(m.ok("cat p1/g").out()).isEqualTo("hi\n");
                assertThat(m.sh("ls up/").exit()).as("the symlink leads out of the mount, not to /secret").isNotZero();
                // root on this machine is nobody in the cluster, and gives files only the ids of its token
                assertThat(m.ok("stat -c '%u:%g' p1/big.bin p1/e").out()).isEqualTo("65534:65534\n65534:65534\n");
                Shell.Result chown = m.sh("chown 5:5 p1/g");
                assertThat(chown.exit()).isNotZero();
                assertThat(chown.err()).contains("Operation not permitted");
                Shell.Result giveAway = m.sh("chown 1000:1001 p1/g");
                assertThat(giveAway.exit()).as("nobody may not give its file another uid").isNotZero();
                assertThat(giveAway.err()).contains("Operation not permitted");
            }
            assertThat(admin.listAll("/projects/p1")).extracting(io.cairn.common.wire.DirEntry::name)
                    .containsExactly("big.bin", "e", "g");
            assertThat(admin.attr("/projects/p1/big.bin").size()).isEqualTo(300_000);
            assertThat(admin.listAll("/secret")).isEmpty();
            assertThat(admin.attr("/projects/p1/g").uid()).isEqualTo(Owners.NOBODY);
        }
    }

    @Test
    void aMountWithATokenLimitedInItsIdsActsAsEachLocalUser() throws Exception {
        Mounted.assumeFuse();
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).chunkSize(64 << 10).start()) {
            var admin = mc.client().master();
            admin.mkdir("/u1500", 0755, 1500, 1500, false);
            admin.mkdir("/u1600", 0755, 1600, 1600, false);
            admin.create("/u1600/theirs", io.cairn.common.wire.FileType.FILE, 0644, 1600, 1600, null, true);
            Path file = tmp.resolve("team.token");
            SecretFile.write(file, mc.master().tokens().create("team", "read-write", null, Subtree.WHOLE,
                    Owners.of("1000-1999", "1000-1999", false), "test").token(), false);
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            // setpriv --reuid 1500 --regid 1500 --clear-groups sh -c 'cd m && ...' (root may not even enter the mount)
            String as1500 = "setpriv --reuid 1500 --regid 1500 --clear-groups sh -c 'cd m && ";
            try (Mounted m = Mounted.at(tmp.resolve("m"), mc.masterUrl()).tokenFile(file).attrTimeout(Duration.ZERO)
                    .start()) {
                // as uid 1500: echo hi > u1500/f; mkdir u1500/d; head -c 200000 /dev/urandom > u1500/d/big
                Shell.Result own = Shell.run(tmp, as1500 + "echo hi > u1500/f && mkdir u1500/d"
                        + " && head -c 200000 /dev/urandom > u1500/d/big && cat u1500/f'");
                assertThat(own.exit()).as(own.err()).isZero();
                assertThat(own.out()).isEqualTo("hi\n");
                Shell.Result theirs = Shell.run(tmp, as1500 + "echo x >> u1600/theirs'");
                assertThat(theirs.exit()).isNotZero();
                assertThat(theirs.err()).contains("Permission denied");
                Shell.Result rm = Shell.run(tmp, as1500 + "rm -f u1600/theirs'");
                assertThat(rm.exit()).isNotZero();
                assertThat(rm.err()).contains("Permission denied");
                // root on this machine is no uid of the token: the master refuses what the kernel would let it do
                Shell.Result byRoot = Shell.run(tmp, "cat m/u1500/f");
                assertThat(byRoot.exit()).isNotZero();
                assertThat(byRoot.err()).contains("Operation not permitted");
            }
            assertThat(admin.attr("/u1500/f").uid()).isEqualTo(1500);
            assertThat(admin.attr("/u1500/f").size()).isEqualTo(3);
            assertThat(admin.attr("/u1500/d/big").size()).isEqualTo(200_000);
            assertThat(admin.attr("/u1500/d").uid()).isEqualTo(1500);
            assertThat(admin.attr("/u1600/theirs").size()).isZero();
        }
    }

    @Test
    void aClusterMadeBeforeCredentialsKeepsItsDataAndItsDatanodesEnrollUnderTheirIds() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).chunkSize(64 << 10).start()) {
            Path src = Data.randomFile(tmp.resolve("old.bin"), 300_000, 7);
            try (Cluster c = new Cluster(mc.masterUrl(), Duration.ofSeconds(10), mc.credentials())) {
                long inode = c.master().create("/old.bin", io.cairn.common.wire.FileType.FILE, 0644, 0, 0, null, true).inode();
                try (var in = Files.newInputStream(src)) {
                    c.uploader(4).upload(inode, 64 << 10, in, n -> { });
                }
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < mc.size(); i++) {
                ids.add(mc.datanode(i).nodeId());
                mc.stopDatanode(i);
            }
            mc.stopMaster();
            // as a data directory of the release before credentials: no keys, no tokens, no enrollments
            Files.delete(mc.masterDir().resolve("cluster.key"));
            Files.delete(mc.masterDir().resolve("admin.token"));
            for (int i = 0; i < mc.size(); i++) {
                Files.delete(mc.datanodeDir(i).resolve("node.key"));
            }
            try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + mc.masterDir().resolve("meta.db"));
                 Statement s = db.createStatement()) {
                s.executeUpdate("DELETE FROM tokens");
                s.executeUpdate("DELETE FROM enrolled");
            }
            mc.startMaster();
            assertThat(mc.masterDir().resolve("cluster.key")).exists();
            for (int i = 0; i < mc.size(); i++) {
                mc.restartDatanode(i); // enrolls with a join token, under the id it had
                assertThat(mc.datanode(i).nodeId()).isEqualTo(ids.get(i));
                assertThat(mc.datanodeDir(i).resolve("node.key")).exists();
            }
            mc.waitForLive(2, Duration.ofSeconds(20));
            Path back = tmp.resolve("back.bin");
            try (Cluster c = new Cluster(mc.masterUrl(), Duration.ofSeconds(10),
                    TokenFile.credentials(mc.masterUrl(), mc.adminTokenFile()));
                 var out = Files.newOutputStream(back)) {
                c.downloader(4).download(c.master().attr("/old.bin").inode(), out, n -> { });
            }
            assertThat(Data.sha256(back)).as("nothing lost").isEqualTo(Data.sha256(src));
        }
    }
}
