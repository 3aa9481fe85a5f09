package io.cairn.mount;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PreflightTest {
    @TempDir
    Path tmp;

    private Path mountinfo(String... targets) throws Exception {
        Path p = tmp.resolve("mountinfo");
        StringBuilder b = new StringBuilder();
        for (String t : targets) {
            b.append("44 27 0:41 / ").append(t).append(" rw,nosuid - fuse.cairn cairn rw\n");
        }
        Files.writeString(p, b.toString());
        return p;
    }

    @Test
    void anEmptyDirectoryIsAGoodMountPoint() throws Exception {
        Path mp = Files.createDirectory(tmp.resolve("mnt"));
        assertThat(Preflight.mountPoint(mp, false, mountinfo())).isNull();
    }

    @Test
    void aMissingMountPointSaysHowToCreateIt() throws Exception {
        assertThat(Preflight.mountPoint(tmp.resolve("nope"), false, mountinfo()))
                .contains("does not exist").contains("mkdir -p");
    }

    @Test
    void aFileOrANonEmptyDirectoryIsRefusedUnlessNonemptyIsAsked() throws Exception {
        Path f = Files.writeString(tmp.resolve("f"), "x");
        assertThat(Preflight.mountPoint(f, false, mountinfo())).contains("not a directory");
        Path d = Files.createDirectory(tmp.resolve("d"));
        Files.writeString(d.resolve("x"), "x");
        assertThat(Preflight.mountPoint(d, false, mountinfo())).contains("not empty");
        assertThat(Preflight.mountPoint(d, true, mountinfo())).isNull();
    }

    @Test
    void aDirectoryAlreadyMountedIsRefused() throws Exception {
        Path mp = Files.createDirectory(tmp.resolve("my mnt"));
        String escaped = mp.toString().replace(" ", "\\040");
        assertThat(Preflight.mountPoint(mp, false, mountinfo(escaped))).contains("already mounted");
    }

    @Test
    void missingSystemPiecesNameThePackageToInstall() {
        assertThat(Preflight.devFuse(tmp.resolve("fuse"))).contains("/dev/fuse".substring(5)).contains("missing");
        assertThat(Preflight.fusermount(List.of(tmp.resolve("fusermount")))).contains("fuse3");
        assertThat(Preflight.devFuse(tmp)).isNull();
    }

    @Test
    void mountinfoEscapesAreDecoded() {
        assertThat(Preflight.unescape("/a\\040b\\011c\\134d")).isEqualTo("/a b\tc\\d");
        assertThat(Preflight.unescape("/plain\\0")).isEqualTo("/plain\\0");
    }
}
