package io.cairn.mount.fuse;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class ErrnoTest {
    private static int of(ErrorCode c) {
        return Errno.of(new CairnException(c, "x"));
    }

    @Test
    void namespaceErrorsKeepTheirPosixMeaning() {
        // Linux x86_64 numbers, as the kernel expects them
        assertThat(of(ErrorCode.ENOENT)).isEqualTo(2);
        assertThat(of(ErrorCode.EEXIST)).isEqualTo(17);
        assertThat(of(ErrorCode.ENOTDIR)).isEqualTo(20);
        assertThat(of(ErrorCode.EISDIR)).isEqualTo(21);
        assertThat(of(ErrorCode.ENOTEMPTY)).isEqualTo(39);
        assertThat(of(ErrorCode.EINVAL)).isEqualTo(22);
        assertThat(of(ErrorCode.ENAMETOOLONG)).isEqualTo(36);
        assertThat(of(ErrorCode.EPERM)).isEqualTo(1);
        assertThat(of(ErrorCode.EACCES)).isEqualTo(13);
        assertThat(of(ErrorCode.ELOOP)).isEqualTo(40);
        assertThat(of(ErrorCode.EXDEV)).isEqualTo(18);
        assertThat(of(ErrorCode.EFBIG)).isEqualTo(27);
        assertThat(of(ErrorCode.ENOSYS)).isEqualTo(38);
    }

    @Test
    void noRoomAndNoDatanodesAreBothEnospc() {
        assertThat(of(ErrorCode.ENOSPC)).isEqualTo(28);
        assertThat(of(ErrorCode.ENONODES)).isEqualTo(28);
    }

    @Test
    void corruptionAndClusterTroubleAreEio() {
        assertThat(of(ErrorCode.EIO)).isEqualTo(5);
        assertThat(of(ErrorCode.EBADMSG)).isEqualTo(5);
        assertThat(of(ErrorCode.ECLUSTER)).isEqualTo(5);
        assertThat(of(ErrorCode.EUNKNOWNNODE)).isEqualTo(5);
    }

    @Test
    void anUnreachableOrSlowClusterIsEio() {
        assertThat(Errno.of(new ConnectException("Connection refused"))).isEqualTo(5);
        assertThat(Errno.of(new SocketTimeoutException("timeout"))).isEqualTo(5);
        assertThat(Errno.of(new IOException("reset"))).isEqualTo(5);
    }

    @Test
    void anythingUnexpectedIsEio() {
        assertThat(Errno.of(new NullPointerException())).isEqualTo(5);
        assertThat(Errno.of(new OutOfMemoryError())).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyWireCodeHasAnErrno(ErrorCode code) {
        assertThat(of(code)).isPositive();
    }
}
