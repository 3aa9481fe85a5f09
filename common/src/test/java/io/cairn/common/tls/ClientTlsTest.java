package io.cairn.common.tls;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where a client's CA file comes from, and the files it refuses. */
class ClientTlsTest {
    @TempDir
    Path dir;

    @Test
    void theOptionWinsThenCairnTlsCaThenNone() {
        Path option = Path.of("option.pem");
        Map<String, String> env = Map.of(ClientTls.ENV, "/etc/cairn/tls/ca.pem");
        assertThat(ClientTls.resolve(option, env)).isEqualTo(option);
        assertThat(ClientTls.resolve(null, env)).isEqualTo(Path.of("/etc/cairn/tls/ca.pem"));
        assertThat(ClientTls.resolve(null, Map.of(ClientTls.ENV, " "))).isNull();
        assertThat(ClientTls.resolve(null, Map.of())).isNull();
    }

    @Test
    void withNoFileTheJvmsTrustStoreIsUsedAndNamed() {
        assertThat(ClientTls.JVM_DEFAULT.caFile()).isNull();
        assertThat(ClientTls.JVM_DEFAULT.trustedWhat()).isEqualTo("a CA in the JVM's default trust store (give --tls-ca FILE)");
    }

    @Test
    void aMissingFileOrOneWithoutCertificatesIsRefusedByName() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> ClientTls.fromCaFile(missing))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENOENT))
                .hasMessage("no CA file " + missing);
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        assertThatThrownBy(() -> ClientTls.fromCaFile(empty))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL))
                .hasMessageStartingWith(empty.toString());
    }
}
