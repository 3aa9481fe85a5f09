package io.cairn.it.mount;

import io.cairn.it.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mount behaves as a local disk for every local user, for one-field time changes and for names
 * that are not UTF-8: a mount made by root (as the demo's is), used by {@code nobody} too.
 */
@Timeout(300)
class LocalDiskBehaviourIT {
    static MountedCluster it;
    static Mounted mnt;
    static Path work;

    @BeforeAll
    static void mount() throws Exception {
        it = MountedCluster.start("local-disk", Duration.ZERO);
        mnt = it.mnt;
        work = it.work;
    }

    @AfterAll
    static void unmount() throws Exception {
        if (it != null) {
            it.close();
        }
    }

    /** Runs a command in the mount as the user {@code nobody} (group {@code nogroup}, no other groups). */
    static Shell.Result asNobody(String command) throws Exception {
        return mnt.sh("setpriv --reuid=nobody --regid=nogroup --clear-groups bash -o pipefail -c '" + command + "'");
    }

    @Test
    void nobodyCreatesWritesListsChmodsRenamesAndUnlinksInADirectoryItOwns() throws Exception {
        mnt.ok("mkdir -m 0755 own && chown nobody:nogroup own");
        Shell.Result r = asNobody("cd own && echo hello > f && cat f && ls -ln f && chmod 0600 f && stat -c %a f"
                + " && mv f g && stat -c %u:%g g && rm g && ls -A | wc -l");
        assertThat(r.exit()).as("stderr: %s\nmount: %s", r.err(), mnt.stderr()).isZero();
        String[] lines = r.out().strip().split("\n");
        assertThat(lines[0]).isEqualTo("hello");
        assertThat(lines[1]).startsWith("-rw-r--r-- 1 65534 65534 6 ");
        assertThat(lines[2]).isEqualTo("600");
        assertThat(lines[3]).isEqualTo("65534:65534");
        assertThat(lines[4]).isEqualTo("0");
    }

    @Test
    void nobodyIsRefusedEveryWriteInADirectoryOfRootsWithMode0755AsOnALocalDisk() throws Exception {
        String setup = "mkdir -m 0755 roots && echo keep > roots/file && chmod 0644 roots/file && mkdir roots/sub";
        mnt.ok(setup);
        Path local = Files.createDirectories(work.resolve("local"));
        assertThat(Shell.run(local, setup).exit()).isZero();
        for (String write : new String[] {"touch roots/new", "mkdir roots/newdir", "rm -f roots/file",
                "mv roots/file roots/moved", "ln -s x roots/sym", "rmdir roots/sub", "echo more >> roots/file",
                "mknod roots/fifo p", "chmod 0777 roots/file", "ln roots/file roots/link"}) {
            Shell.Result r = asNobody(write);
            Shell.Result onDisk = Shell.run(local, "setpriv --reuid=nobody --regid=nogroup --clear-groups bash -o pipefail -c '"
                    + write + "'");
            assertThat(r.exit()).as(write).isNotZero();
            assertThat(r.err()).as(write).isEqualTo(onDisk.err());
            if (write.startsWith("chmod")) {
                assertThat(r.err()).contains("Operation not permitted"); // EPERM: not the owner
            } else if (write.startsWith("ln roots")) {
                assertThat(r.err()).contains("Operation not permitted"); // the kernel's protected_hardlinks
            } else {
                assertThat(r.err()).as(write).contains("Permission denied"); // EACCES
            }
        }
        assertThat(asNobody("cat roots/file && ls roots").out()).isEqualTo("keep\nfile\nsub\n"); // reading is allowed
        assertThat(mnt.ok("cat roots/file && stat -c %a roots/file").out()).isEqualTo("keep\n644\n");
    }

    @Test
    void touchOfOneTimeLeavesTheOtherAsItWas() throws Exception {
        mnt.ok("echo x > times && touch -d '2001-02-03 04:05:06' times");
        mnt.ok("touch -a -d '2011-01-01 00:00:00' times");
        assertThat(mnt.ok("stat -c '%X %Y' times").out().strip()).isEqualTo("1293840000 981173106");
        mnt.ok("touch -m -d '2012-01-01 00:00:00' times");
        assertThat(mnt.ok("stat -c '%X %Y' times").out().strip()).isEqualTo("1293840000 1325376000");
        mnt.ok("touch -a times"); // atime now, mtime kept
        String[] t = mnt.ok("stat -c '%X %Y' times").out().strip().split(" ");
        assertThat(Long.parseLong(t[0])).isGreaterThan(1325376000L + 86400L * 365 * 10);
        assertThat(t[1]).isEqualTo("1325376000");
    }

    @Test
    void aChangeOfMetadataMovesCtime() throws Exception {
        mnt.ok("echo x > c && touch -d '2001-02-03 04:05:06' c");
        long before = Long.parseLong(mnt.ok("stat -c %Z c").out().strip());
        Thread.sleep(1100);
        mnt.ok("chmod 0600 c");
        long after = Long.parseLong(mnt.ok("stat -c %Z c").out().strip());
        assertThat(after).isGreaterThan(before);
        assertThat(mnt.ok("stat -c %Y c").out().strip()).isEqualTo("981173106"); // mtime untouched by chmod
    }

    @Test
    void aNameThatIsNotUtf8IsRefusedWithEilseqAndNothingIsStored() throws Exception {
        for (String make : new String[] {"touch \"$(printf 'bad\\377name')\"", "mkdir \"$(printf 'bad\\377dir')\"",
                "echo x > ok8 && mv ok8 \"$(printf 'bad\\377mv')\"", "ln -s \"$(printf 'to\\377')\" symlink8"}) {
            Shell.Result r = mnt.sh(make);
            assertThat(r.exit()).as(make).isNotZero();
            assertThat(r.err()).as(make).contains("Invalid or incomplete multibyte or wide character");
        }
        assertThat(mnt.ok("ls -A | grep -c 'bad' || true").out().strip()).isEqualTo("0");
        assertThat(mnt.ok("ls ok8").out()).isEqualTo("ok8\n"); // the refused rename left it where it was
        mnt.ok("touch 'naïve-日本'"); // valid UTF-8 is kept as given
        assertThat(mnt.ok("ls naïve-日本").out()).isEqualTo("naïve-日本\n");
    }

    @Test
    void fallocateGrowsAFileKeepSizeKeepsItAndOtherModesAreRefused() throws Exception {
        mnt.ok("echo abc > fa && fallocate -o 0 -l 1048576 fa");
        assertThat(mnt.ok("stat -c %s fa && head -c 4 fa | od -An -c && tail -c 4 fa | od -An -tx1").out()
                .replaceAll(" +", " ").strip()).isEqualTo("1048576\n a b c \\n\n 00 00 00 00");
        mnt.ok("fallocate -n -o 0 -l 4194304 fa && fallocate -o 0 -l 4096 fa"); // neither changes the size
        assertThat(mnt.ok("stat -c %s fa").out().strip()).isEqualTo("1048576");
        Shell.Result punch = mnt.sh("fallocate -p -o 0 -l 4096 fa");
        assertThat(punch.exit()).isNotZero();
        assertThat(punch.err()).contains("unsupported"); // EOPNOTSUPP, in fallocate(1)'s words
        assertThat(mnt.ok("python3 -c \"import os; f = os.open('pf', os.O_CREAT | os.O_WRONLY, 0o644);"
                + " os.posix_fallocate(f, 4096, 8192); os.close(f); print(os.stat('pf').st_size)\"").out().strip())
                .isEqualTo("12288");
    }

    @Test
    void dfDashIShowsTheInodesInUse() throws Exception {
        mnt.ok("mkdir inodes && for i in 1 2 3 4 5; do echo $i > inodes/$i; done");
        String[] before = mnt.ok("df --output=iused,iavail . | tail -1").out().strip().split("\\s+");
        mnt.ok("for i in 6 7 8; do echo $i > inodes/$i; done");
        String[] after = mnt.ok("df --output=iused,iavail . | tail -1").out().strip().split("\\s+");
        assertThat(Long.parseLong(after[0]) - Long.parseLong(before[0])).isEqualTo(3);
        assertThat(Long.parseLong(after[1])).isPositive();
    }
}
