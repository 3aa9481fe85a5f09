package io.cairn.it.mount;

import io.cairn.common.path.InodePaths;
import io.cairn.common.wire.Attr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tree deeper than PATH_MAX (4096 bytes), as a local disk allows: programs reach it step by step
 * with {@code chdir} and the {@code *at} calls, and every call the mount makes for it goes to the
 * master as an inode path that fits. Checked with a real mount, through Python's os calls, find,
 * du and rm -r, and against what the master holds.
 */
@Timeout(300)
class DeepPathsIT {
    static MountedCluster c;
    static Mounted m;

    @BeforeAll
    static void mount() throws Exception {
        c = MountedCluster.start("deep", Duration.ofSeconds(1));
        m = c.mnt;
    }

    @AfterAll
    static void unmount() throws Exception {
        if (c != null) {
            c.close();
        }
    }

    private static String python(String name, String... lines) throws Exception {
        Path script = c.work.resolve(name + ".py");
        Files.writeString(script, String.join("\n", lines) + "\n");
        return m.ok("python3 " + script).out();
    }

    /** 40 directories of 120-byte names (4,840 bytes), and every kind of call at the bottom. */
    @Test
    void everyCallWorksBeneathADirectoryDeeperThanPathMax() throws Exception {
        String out = python("deep",
                "import os, stat",
                "name = 'n' * 120",
                "os.mkdir('deep'); os.chdir('deep')",
                "for i in range(40):",
                "    os.mkdir(name); os.chdir(name)",
                "print('cwd', len(os.getcwd().encode()))",
                "with open('file', 'w') as f: f.write('deep data')",
                "print('read', open('file').read())",
                "os.rename('file', 'renamed')",
                "os.link('renamed', 'hard')",
                "print('nlink', os.stat('hard').st_nlink)",
                "os.symlink('t' * 4095, 'long-link')",
                "print('link', len(os.readlink('long-link')))",
                "os.mkdir('sub')",
                "os.rename('renamed', 'sub/moved')",
                "print('moved', open('sub/moved').read())",
                "os.chmod('hard', 0o600); os.utime('hard', (1000000000, 1000000000))",
                "st = os.stat('hard')",
                "print('mode', oct(stat.S_IMODE(st.st_mode)), 'mtime', int(st.st_mtime))",
                "os.setxattr('hard', 'user.depth', b'40')",
                "print('xattr', os.getxattr('hard', 'user.depth').decode())",
                "print('list', sorted(os.listdir('.')))",
                "os.truncate('hard', 4)",
                "print('truncated', repr(open('sub/moved').read()))",
                "os.unlink('hard'); os.unlink('sub/moved'); os.rmdir('sub')",
                "print('left', sorted(os.listdir('.')))",
                "");
        assertThat(out).contains("read deep data", "nlink 2", "link 4095", "moved deep data", "mode 0o600 mtime 1000000000",
                "xattr 40", "list ['hard', 'long-link', 'sub']", "truncated 'deep'", "left ['long-link']");
        assertThat(Integer.parseInt(out.lines().filter(l -> l.startsWith("cwd ")).findFirst().orElseThrow().substring(4)))
                .isGreaterThan(4840);

        // the master holds the tree as made: walk it down by inode, as the mount does
        Attr top = c.cluster.client().master().attr("/deep");
        String name = "n".repeat(120);
        long at = top.inode();
        for (int i = 0; i < 40; i++) {
            at = c.cluster.client().master().attr(InodePaths.of(at, "/" + name)).inode();
        }
        assertThat(c.cluster.client().master().listAll(InodePaths.of(at, "/"))).extracting(e -> e.name())
                .containsExactly("long-link");

        String found = m.ok("find deep | wc -l; find deep -name long-link | awk '{ print length }'").out();
        assertThat(found.lines().toList()).containsExactly("42", String.valueOf(4 + 40 * 121 + 10));
        m.ok("rm -r deep");
        assertThat(m.ok("ls -A").out()).doesNotContain("deep");
    }

    /** Names of 200 bytes of UTF-8 (100 x é), 30 deep: each byte percent-encoded in a query, and still under the limit. */
    @Test
    void aDeepTreeOfMultiByteNamesIsMadeListedAndRemoved() throws Exception {
        String out = python("utf8",
                "import os",
                "name = '\\u00e9' * 100",
                "os.mkdir('wide'); os.chdir('wide')",
                "for i in range(30):",
                "    os.mkdir(name); os.chdir(name)",
                "for i in range(5):",
                "    with open('f%d' % i, 'w') as f: f.write(name)",
                "print('files', len(os.listdir('.')), 'size', os.stat('f4').st_size)",
                "");
        assertThat(out).contains("files 5 size 200");
        assertThat(m.ok("find wide -type f | wc -l").out().trim()).isEqualTo("5");
        m.ok("rm -r wide");
        assertThat(m.ok("ls -A").out()).doesNotContain("wide");
    }
}
