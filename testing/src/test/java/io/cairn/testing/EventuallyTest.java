package io.cairn.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class EventuallyTest {
    @Test
    void returnsAsSoonAsAnotherThreadMakesTheConditionTrue() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(50); // the other side takes its time
            } catch (InterruptedException e) {
                return;
            }
            done.set(true);
        });
        t.start();
        long t0 = System.nanoTime();
        Eventually.await("the flag is set", Duration.ofSeconds(10), done::get);
        assertThat(done).isTrue();
        assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(5).toNanos());
        t.join(5_000);
    }

    @Test
    void returnsTheValueThatSatisfiedIt() {
        AtomicInteger n = new AtomicInteger();
        int v = Eventually.await("the counter reaches 5", Duration.ofSeconds(10), n::incrementAndGet, x -> x >= 5);
        assertThat(v).isEqualTo(5);
    }

    @Test
    void failsAtTheDeadlineSayingWhatWasAwaitedAndTheLastValueSeen() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Eventually.await("three nodes are live", Duration.ofMillis(200), Duration.ofMillis(20),
                () -> "2 live", s -> s.equals("3 live")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("waiting until three nodes are live")
                .hasMessageContaining("the last value seen was 2 live");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isBetween(200L, 5_000L);
    }

    @Test
    void aConditionThatStaysFalseSaysSo() {
        assertThatThrownBy(() -> Eventually.await("never", Duration.ofMillis(50), () -> false))
                .isInstanceOf(AssertionError.class).hasMessageContaining("the condition was still false");
    }

    @Test
    void aProbeThatThrowsIsTriedAgainAndItsLastExceptionIsTheCause() {
        AtomicInteger calls = new AtomicInteger();
        String v = Eventually.await("the third call answers", Duration.ofSeconds(10), () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("not yet");
            }
            return "ok";
        }, s -> true);
        assertThat(v).isEqualTo("ok");
        assertThatThrownBy(() -> Eventually.await("the master answers", Duration.ofMillis(100), () -> {
            throw new IOException("connection refused");
        }, s -> true)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the probe threw java.io.IOException: connection refused")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void anInterruptedWaitFailsAndKeepsTheInterrupt() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Eventually.await("never", Duration.ofSeconds(10), () -> false))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
