package io.cairn.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class ManualClockTest {
    @Test
    void standsStillUntilMovedByHand() {
        ManualClock c = new ManualClock();
        assertThat(c.instant()).isEqualTo(ManualClock.START);
        assertThat(c.instant()).isEqualTo(c.instant());
        assertThat(c.advance(Duration.ofSeconds(15))).isEqualTo(ManualClock.START.plusSeconds(15));
        assertThat(c.millis()).isEqualTo(ManualClock.START.plusSeconds(15).toEpochMilli());
        assertThat(c.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void setMovesItAnywhereButAdvanceOnlyForward() {
        ManualClock c = new ManualClock(Instant.parse("2026-11-24T10:00:00Z"));
        c.set(Instant.parse("2026-11-24T09:00:00Z"));
        assertThat(c.instant()).isEqualTo(Instant.parse("2026-11-24T09:00:00Z"));
        assertThatThrownBy(() -> c.advance(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(c.advance(Duration.ZERO)).isEqualTo(Instant.parse("2026-11-24T09:00:00Z"));
    }

    @Test
    void aClockInAnotherZoneMovesWithTheOriginal() {
        ManualClock c = new ManualClock();
        Clock paris = c.withZone(ZoneId.of("Europe/Paris"));
        c.advance(Duration.ofMinutes(2));
        assertThat(paris.instant()).isEqualTo(c.instant());
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(c.withZone(ZoneOffset.UTC)).isSameAs(c);
    }

    @Test
    void advancesFromManyThreadsAtOnceAreAllKept() throws Exception {
        ManualClock c = new ManualClock();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    c.advance(Duration.ofMillis(1));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(c.instant()).isEqualTo(ManualClock.START.plusMillis(80_000));
    }
}
