package io.cairn.datanode;

import io.cairn.common.tls.ClientTls;
import io.cairn.server.tls.ServerTls;
import io.cairn.server.tls.Transport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A datanode with TLS advertises https://, and an advertised URL of the other scheme is refused. */
class DatanodeConfigTlsTest {
    private static final Transport TLS = new Transport(new ServerTls(Path.of("dn.pem"), Path.of("dn.key")), false);

    private static DatanodeConfig advertising(String url) {
        return new DatanodeConfig("10.0.0.11", 6000, Path.of("dn"), "https://10.0.0.10:5000", url, Duration.ofSeconds(3),
                0, 0, Clock.systemUTC());
    }

    @Test
    void withTlsTheDefaultAdvertisedUrlIsHttps() {
        DatanodeConfig c = DatanodeConfig.defaults(6000, Path.of("dn"), "https://127.0.0.1:5000")
                .withTls(TLS, ClientTls.JVM_DEFAULT);
        assertThat(c.advertisedUrl(6001)).isEqualTo("https://127.0.0.1:6001");
        assertThat(DatanodeConfig.defaults(6000, Path.of("dn"), "http://127.0.0.1:5000").advertisedUrl(6001))
                .isEqualTo("http://127.0.0.1:6001");
    }

    @Test
    void anAdvertisedUrlOfTheOtherSchemeIsRefused() {
        assertThatThrownBy(() -> advertising("http://10.0.0.11:6000").withTls(TLS, ClientTls.JVM_DEFAULT)
                .checkAdvertisedScheme())
                .hasMessage("the advertised URL must start with https:// when this datanode serves HTTPS, not"
                        + " http://10.0.0.11:6000");
        assertThatThrownBy(() -> advertising("https://10.0.0.11:6000").checkAdvertisedScheme())
                .hasMessageContaining("must start with http://");
        assertThatCode(() -> advertising("https://10.0.0.11:6000").withTls(TLS, ClientTls.JVM_DEFAULT)
                .checkAdvertisedScheme()).doesNotThrowAnyException();
    }

    @Test
    void withTlsKeepsWhatElseWasSet() {
        DatanodeConfig c = advertising("https://10.0.0.11:6000").withJoinTokenFile(Path.of("join"))
                .withTls(TLS, ClientTls.JVM_DEFAULT).withReportInterval(Duration.ofMinutes(1));
        assertThat(c.transport()).isEqualTo(TLS);
        assertThat(c.joinTokenFile()).isEqualTo(Path.of("join"));
        assertThat(c.reportInterval()).isEqualTo(Duration.ofMinutes(1));
    }
}
