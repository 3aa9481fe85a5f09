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

    @Test
    void sizesAndDurationsAreWrittenAsTheyAreRead() {
        assertThat(Units.writeSize(4L << 20)).isEqualTo("4MiB");
        assertThat(Units.writeSize(64 * 1024)).isEqualTo("64KiB");
        assertThat(Units.writeSize(1000)).isEqualTo("1000");
        assertThat(Units.writeSize(0)).isEqualTo("0");
        assertThat(Units.writeDuration(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Units.writeDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Units.writeDuration(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Units.writeDuration(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Units.writeDuration(Duration.ZERO)).isEqualTo("0s");
        for (long size : new long[] {0, 1, 1536, 4L << 20, 3L << 30, 5L << 40}) {
            assertThat(Units.parseSize(Units.writeSize(size))).isEqualTo(size);
        }
        for (Duration d : new Duration[] {Duration.ofMillis(1), Duration.ofSeconds(15), Duration.ofMinutes(61)}) {
            assertThat(Units.parseDuration(Units.writeDuration(d))).isEqualTo(d);
        }
        assertThatThrownBy(() -> Units.writeDuration(Duration.ofNanos(5))).isInstanceOf(IllegalArgumentException.class);
    }
}
