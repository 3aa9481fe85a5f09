package io.cairn.common.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlinesTest {
    @Test
    void aBodyGetsASecondPerMibOnTopOfTheTimeoutAndStepsTheSumOfTheirCalls() {
        Deadlines d = new Deadlines(Duration.ofSeconds(10));
        assertThat(d.call()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.transfer(0)).isEqualTo(Duration.ofSeconds(10));
        // 4 MiB at the minimum of 1 MiB/s: 4 s more (rounded down to the millisecond)
        assertThat(d.transfer(4L << 20).toMillis()).isBetween(14_000L, 14_010L);
        assertThat(d.chunkWrite(0)).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.chunkRead(0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.avoidSlowNode()).isEqualTo(Duration.ofSeconds(40));
        assertThat(new Deadlines(Duration.ofSeconds(2)).avoidSlowNode()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aTimeoutMustBePositive() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Deadlines(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
