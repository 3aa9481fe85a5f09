package io.cairn.mount;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class OtherUsersTest {
    @Test
    void rootLetsEveryUserInWhateverFuseConfSays() {
        assertThat(OtherUsers.decide(0, Optional.empty(), false, false)).isEqualTo(new OtherUsers(true, null));
        assertThat(OtherUsers.decide(0, Optional.of("# nothing\n"), false, false).allowOther()).isTrue();
    }

    @Test
    void anotherUserLetsOthersInOnlyWhenFuseConfAllowsIt() {
        assertThat(OtherUsers.decide(1000, Optional.of("mount_max = 1000\nuser_allow_other\n"), false, false))
                .isEqualTo(new OtherUsers(true, null));
        OtherUsers refused = OtherUsers.decide(1000, Optional.of("#user_allow_other\n"), false, false);
        assertThat(refused.allowOther()).isFalse();
        assertThat(refused.advice()).contains("uid 1000", "user_allow_other", "/etc/fuse.conf");
        assertThat(OtherUsers.decide(1000, Optional.empty(), false, false).advice()).contains("user_allow_other");
    }

    @Test
    void anOwnerOnlyMountOrOneGivenAllowOtherByHandAddsNothingAndSaysNothing() {
        assertThat(OtherUsers.decide(0, Optional.empty(), true, false)).isEqualTo(new OtherUsers(false, null));
        assertThat(OtherUsers.decide(1000, Optional.empty(), false, true)).isEqualTo(new OtherUsers(false, null));
    }

    @Test
    void aParentDirectoryOthersCannotSearchIsNamed(@TempDir Path tmp) throws Exception {
        Path shut = Files.createDirectories(tmp.resolve("shut/inner"));
        Files.setPosixFilePermissions(tmp.resolve("shut"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(OtherUsers.unreachable(shut.resolve("mnt"))).isEqualTo(tmp.resolve("shut"));
        Files.setPosixFilePermissions(tmp.resolve("shut"), PosixFilePermissions.fromString("rwx--x--x"));
        assertThat(OtherUsers.unreachable(shut.resolve("mnt"))).isNull();
    }

    @Test
    void fuseConfCountsOnlyAnUncommentedLineOfItsOwn() {
        assertThat(OtherUsers.allowsUsers("  user_allow_other  # yes\n")).isTrue();
        assertThat(OtherUsers.allowsUsers("# user_allow_other\n")).isFalse();
        assertThat(OtherUsers.allowsUsers("user_allow_other_not\n")).isFalse();
    }
}
