package io.cairn.datanode.scrub;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {
    static final long MS = 1_000_000;

    /** Fake time that moves when the limiter sleeps, or when the test says. */
    long now = 5_000 * MS;
    final List<Long> sleeps = new ArrayList<>();
    final RateLimiter limiter = new RateLimiter(1000, () -> now, n -> {
        sleeps.add(n);
        now += n;
    });

    @Test
    void aFastReaderIsHeldToTheRate() throws InterruptedException {
        long start = now;
        for (int i = 0; i < 10; i++) {
            limiter.acquire(100); // reading itself takes no time here
        }
        assertThat(now - start).isEqualTo(900 * MS); // the first block is free, each next one costs 100 ms
        assertThat(sleeps).hasSize(9).allMatch(n -> n == 100 * MS);
    }

    @Test
    void idleTimeEarnsNoMoreThanOneBlockOfCredit() throws InterruptedException {
        limiter.acquire(100);
        now += 60_000 * MS; // an hour between passes, say
        limiter.acquire(100);
        assertThat(sleeps).isEmpty();
        limiter.acquire(100);
        limiter.acquire(100);
        assertThat(sleeps).containsExactly(100 * MS, 100 * MS);
    }

    @Test
    void aReaderSlowerThanTheRateNeverSleeps() throws InterruptedException {
        for (int i = 0; i < 10; i++) {
            now += 150 * MS; // 100 bytes took 150 ms to read
            limiter.acquire(100);
        }
        assertThat(sleeps).isEmpty();
    }

    @Test
    void theRateMustBePositive() {
        assertThatThrownBy(() -> new RateLimiter(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
