package io.cairn.server.tls;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plain HTTP is served on loopback, and off it only when asked for with --insecure-http. */
class PlainHttpTest {
    @Test
    void loopbackAddressesAndLocalhostAreLoopback() {
        assertThat(PlainHttp.isLoopback("127.0.0.1")).isTrue();
        assertThat(PlainHttp.isLoopback("127.0.0.2")).isTrue();
        assertThat(PlainHttp.isLoopback("::1")).isTrue();
        assertThat(PlainHttp.isLoopback("[::1]")).isTrue();
        assertThat(PlainHttp.isLoopback("localhost")).isTrue();
    }

    @Test
    void wildcardsAndNetworkAddressesAreNot() {
        assertThat(PlainHttp.isLoopback("0.0.0.0")).isFalse();
        assertThat(PlainHttp.isLoopback("::")).isFalse();
        assertThat(PlainHttp.isLoopback("")).isFalse();
        assertThat(PlainHttp.isLoopback("10.0.0.1")).isFalse();
        assertThat(PlainHttp.isLoopback("192.168.1.20")).isFalse();
    }

    @Test
    void plainHttpOffLoopbackIsRefusedInOneLineSayingWhatToGive() {
        assertThatThrownBy(() -> PlainHttp.check("master", "0.0.0.0", false, false))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL))
                .hasMessage("refusing to serve the master over plain HTTP on 0.0.0.0, which is not a loopback address:"
                        + " give --tls-cert FILE --tls-key FILE (cairn admin tls init makes them), or --insecure-http to"
                        + " send tokens and data unencrypted anyway")
                .message().doesNotContain("\n");
        assertThatThrownBy(() -> PlainHttp.check("datanode", "10.0.0.1", false, false)).isInstanceOf(CairnException.class);
    }

    @Test
    void tlsOrInsecureHttpOrLoopbackMayStart() {
        assertThatCode(() -> PlainHttp.check("master", "0.0.0.0", true, false)).doesNotThrowAnyException();
        assertThatCode(() -> PlainHttp.check("master", "0.0.0.0", false, true)).doesNotThrowAnyException();
        assertThatCode(() -> PlainHttp.check("master", "127.0.0.1", false, false)).doesNotThrowAnyException();
    }
}
