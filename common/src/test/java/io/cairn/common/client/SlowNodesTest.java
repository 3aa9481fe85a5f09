package io.cairn.common.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SlowNodesTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final SlowNodes slow = new SlowNodes(Duration.ofSeconds(40), now::get);

    @Test
    void aNodeThatTimedOutIsAvoidedForAWhileThenGetsAnotherChance() {
        assertThat(slow.avoided("http://a")).isFalse();
        slow.timedOut("http://a");
        assertThat(slow.avoided("http://a")).isTrue();
        assertThat(slow.avoided("http://b")).isFalse();
        now.addAndGet(Duration.ofSeconds(40).toNanos() - 1);
        assertThat(slow.avoided("http://a")).isTrue();
        now.addAndGet(1);
        assertThat(slow.avoided("http://a")).isFalse();
    }

    @Test
    void withNothingElseLeftOneCallerPerHalfPeriodMayTryAnAvoidedNodeTheOthersGiveUpAtOnce() {
        assertThat(slow.mayProbe("http://a")).as("not avoided: anyone may").isTrue();
        slow.timedOut("http://a");
        assertThat(slow.mayProbe("http://a")).as("it just timed out").isFalse();
        now.addAndGet(Duration.ofSeconds(20).toNanos());
        assertThat(slow.mayProbe("http://a")).as("half the period later: one caller").isTrue();
        assertThat(slow.mayProbe("http://a")).as("and only one").isFalse();
        assertThat(slow.avoided("http://a")).isTrue();
        now.addAndGet(Duration.ofSeconds(20).toNanos());
        assertThat(slow.avoided("http://a")).isFalse();
        assertThat(slow.mayProbe("http://a")).isTrue();
    }

    @Test
    void aNodeThatAnswersInTimeIsForgivenAtOnce() {
        slow.timedOut("http://a");
        slow.answered("http://a");
        assertThat(slow.avoided("http://a")).isFalse();
    }
}
