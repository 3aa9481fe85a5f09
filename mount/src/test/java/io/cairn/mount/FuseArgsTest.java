package io.cairn.mount;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FuseArgsTest {
    static final OtherUsers NO_OTHERS = new OtherUsers(false, null);

    @Test
    void allowOtherIsAddedBeforeTheOptionsGivenByHandWhenOtherUsersMayComeIn() {
        MountSettings s = new MountSettings(Path.of("/m"), "http://x", List.of("ro"), null, null, false);
        String opts = FuseArgs.of(s, false, new OtherUsers(true, null))[1];
        assertThat(opts.split(",")).contains("allow_other", "default_permissions");
        assertThat(opts).endsWith(",allow_other,ro");
        assertThat(FuseArgs.of(s, false, NO_OTHERS)[1].split(",")).doesNotContain("allow_other");
    }

    @Test
    void theMountAlwaysHasAutoUnmountUseInoAndBigWritesAndTheTimeoutsFollowTheAttributeTimeout() {
        MountSettings s = new MountSettings(Path.of("/m"), "http://x", List.of("allow_other", "ro,noatime"),
                Duration.ofMillis(1500), Duration.ofSeconds(30), false);
        String[] args = FuseArgs.of(s, false, NO_OTHERS);
        assertThat(args[0]).isEqualTo("-o");
        assertThat(args[1].split(",")).contains("auto_unmount", "use_ino", "default_permissions", "big_writes",
                "max_write=131072", "max_background=64", "congestion_threshold=48", "fsname=cairn", "subtype=cairn", "attr_timeout=1.500", "entry_timeout=1.500",
                "negative_timeout=1.500");
        assertThat(args[1]).endsWith(",allow_other,ro,noatime"); // given last, so they win
        assertThat(args).hasSize(2);
        assertThat(FuseArgs.of(s, true, NO_OTHERS)).endsWith("-s");
    }

    @Test
    void aZeroAttributeTimeoutTurnsTheKernelCachesOff() {
        MountSettings s = new MountSettings(Path.of("/m"), "http://x", null, Duration.ZERO, null, false);
        assertThat(FuseArgs.of(s, false, NO_OTHERS)[1]).contains("attr_timeout=0.000", "entry_timeout=0.000");
        assertThat(FuseArgs.has(s, "nonempty")).isFalse();
    }

    @Test
    void settingsFillInTheirDefaults() {
        MountSettings s = new MountSettings(Path.of("/m"), "http://x", null, null, null, false);
        assertThat(s.attrTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.extraOptions()).isEmpty();
    }
}
