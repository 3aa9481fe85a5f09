package io.cairn.datanode.membership;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutageTest {
    /** A clock a test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aLongOutageIsLoggedOnTheFirstFailureThenEveryTenthAndMeasuredByTheClock() {
        ManualClock clock = new ManualClock();
        Outage o = new Outage(clock, 10);
        List<Integer> logged = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            if (o.failed()) {
                logged.add(i);
            }
            clock.now = clock.now.plusSeconds(2);
        }
        assertThat(logged).containsExactly(1, 10, 20);
        assertThat(o.length()).isEqualTo(Duration.ofSeconds(50));
        assertThat(o.ended()).isTrue();
        assertThat(o.ended()).isFalse();
        assertThat(o.failed()).isTrue();
    }
}
