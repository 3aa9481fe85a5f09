package io.cairn.common.path;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathRulesTest {
    private static void refused(ErrorCode code, org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
        assertThatThrownBy(c).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(code));
    }

    @Test
    void absolutePathsAreSplitIntoCheckedNames() throws Exception {
        assertThat(PathRules.split("/")).isEmpty();
        assertThat(PathRules.split("/a/b c/ü")).containsExactly("a", "b c", "ü");
        assertThat(PathRules.normalize("//a///b/")).isEqualTo("/a/b");
        assertThat(PathRules.parent("/a/b")).isEqualTo("/a");
        assertThat(PathRules.parent("/a")).isEqualTo("/");
        assertThat(PathRules.baseName("/a/b")).isEqualTo("b");
    }

    @Test
    void dotComponentsRelativePathsAndNulAreRefused() {
        refused(ErrorCode.EINVAL, () -> PathRules.split("a/b"));
        refused(ErrorCode.EINVAL, () -> PathRules.split(""));
        refused(ErrorCode.EINVAL, () -> PathRules.split("/a/../b"));
        refused(ErrorCode.EINVAL, () -> PathRules.split("/a/./b"));
        refused(ErrorCode.EINVAL, () -> PathRules.split("/a\0b"));
        refused(ErrorCode.EINVAL, () -> PathRules.name("a/b"));
        refused(ErrorCode.EINVAL, () -> PathRules.name(""));
    }

    @Test
    void namesOver255BytesAndPathsOver4096BytesAreTooLong() throws Exception {
        assertThat(PathRules.name("x".repeat(255))).hasSize(255);
        refused(ErrorCode.ENAMETOOLONG, () -> PathRules.name("x".repeat(256)));
        refused(ErrorCode.ENAMETOOLONG, () -> PathRules.name("é".repeat(128))); // 256 bytes in UTF-8
        refused(ErrorCode.ENAMETOOLONG, () -> PathRules.split("/d".repeat(2049)));
    }

    @Test
    void invalidUtf8IsRefused() {
        refused(ErrorCode.EINVAL, () -> PathRules.name("bad\uFFFD"));
        refused(ErrorCode.EINVAL, () -> PathRules.name("lone\uD800surrogate"));
        refused(ErrorCode.EINVAL, () -> PathRules.decodeUtf8(new byte[] {(byte) 0xff, (byte) 0xfe}));
    }

    @Test
    void chunkIdsMustBe32LowercaseHexDigits() throws Exception {
        assertThat(PathRules.chunkId("0123456789abcdef0123456789abcdef")).isNotNull();
        for (String bad : new String[] {"../x", "/etc/passwd", "%2e%2e%2f", "0123456789ABCDEF0123456789ABCDEF",
                "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0", "", null}) {
            refused(ErrorCode.EINVAL, () -> PathRules.chunkId(bad));
        }
    }
}
