package io.cairn.common.units;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnitsTest {
    @Test
    void sizesAreReadAsPeopleWriteThem() {
        assertThat(Units.parseSize("4096")).isEqualTo(4096);
        assertThat(Units.parseSize("64KiB")).isEqualTo(64 * 1024);
        assertThat(Units.parseSize("4MiB")).isEqualTo(4L << 20);
        assertThat(Units.parseSize("1GiB")).isEqualTo(1L << 30);
        assertThat(Units.parseSize("2g")).isEqualTo(2L << 30);
        assertThat(Units.parseSize("10MB")).isEqualTo(10_000_000);
        assertThatThrownBy(() -> Units.parseSize("lots")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Units.parseSize("-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durationsAreReadAsPeopleWriteThem() {
        assertThat(Units.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Units.parseDuration("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(Units.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.parseDuration("0")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> Units.parseDuration("soon")).hasMessageContaining("not a duration");
    }

    @Test
    void sizesArePrintedForPeople() {
        assertThat(Units.formatSize(17)).isEqualTo("17 B");
        assertThat(Units.formatSize(1536)).isEqualTo("1.5 KiB");
        assertThat(Units.formatSize(3L << 30)).isEqualTo("3.0 GiB");
    }
}
