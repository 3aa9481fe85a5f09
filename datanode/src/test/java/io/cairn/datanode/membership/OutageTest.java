package io.cairn.datanode.membership;

import io.cairn.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutageTest {
    @Test
    void aLongOutageIsLoggedOnTheFirstFailureThenEveryTenthAndMeasuredByTheClock() {
        ManualClock clock = new ManualClock();
        Outage o = new Outage(clock, 10);
        List<Integer> logged = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            if (o.failed()) {
                logged.add(i);
            }
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(logged).containsExactly(1, 10, 20);
        assertThat(o.length()).isEqualTo(Duration.ofSeconds(50));
        assertThat(o.ended()).isTrue();
        assertThat(o.ended()).isFalse();
        assertThat(o.failed()).isTrue();
    }
}
