package io.cairn.datanode.membership;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @Test
    void delaysDoubleFrom200msUpTo2sAndStartOverAfterASuccess() {
        Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(200));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(400));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(800));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(1600));
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(2));
        b.reset();
        assertThat(b.next()).isEqualTo(Duration.ofMillis(200));
    }
}
