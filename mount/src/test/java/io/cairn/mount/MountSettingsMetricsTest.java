package io.cairn.mount;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MountSettingsMetricsTest {
    private static MountSettings with(Integer port, String bind) {
        return new MountSettings(Path.of("/m"), "http://x", List.of(), null, null, false, false, null, null, port, bind);
    }

    @Test
    void metricsAreOffUnlessAPortIsGivenAndThenServedOnTheLoopback() {
        assertThat(with(null, null).metricsPort()).isNull();
        assertThat(with(0, null).metricsBind()).isEqualTo("127.0.0.1");
        assertThat(with(9464, "0.0.0.0").metricsBind()).isEqualTo("0.0.0.0");
    }

    @Test
    void aPortOutsideTheRangeIsRefusedWithTheOptionsName() {
        assertThatThrownBy(() -> with(65536, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--metrics-port").hasMessageContaining("65536");
        assertThatThrownBy(() -> with(-1, null)).hasMessageContaining("--metrics-port");
    }

    @Test
    void aBindAddressWithoutAPortIsRefused() {
        assertThatThrownBy(() -> with(null, "0.0.0.0")).hasMessageContaining("--metrics-bind needs --metrics-port");
    }

    @Test
    void readOnlyRemountKeepsTheMetricsOptions() {
        MountSettings s = with(0, "::1").withOptions(List.of("ro"));
        assertThat(s.extraOptions()).containsExactly("ro");
        assertThat(s.metricsPort()).isZero();
        assertThat(s.metricsBind()).isEqualTo("::1");
        MountSettings plain = with(null, null).withOptions(List.of("ro")); // a read-only token's mount, no metrics
        assertThat(plain.metricsPort()).isNull();
        assertThat(plain.metricsBind()).isNull();
    }
}
