package io.cairn.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class ThreadsTest {
    static final class Gate {
        final CountDownLatch open = new CountDownLatch(1);

        void passThrough() throws InterruptedException {
            open.await();
        }
    }

    @Test
    void findsAThreadByNameAndSeesWhereItWaits() throws Exception {
        Gate gate = new Gate();
        Thread t = new Thread(() -> {
            try {
                gate.passThrough();
            } catch (InterruptedException e) {
                // ends
            }
        }, "threads-test-waiter");
        t.start();
        try {
            Eventually.await("the waiter waits at the gate", Duration.ofSeconds(10),
                    () -> Threads.waitingIn("threads-test-waiter", Gate.class, "passThrough"));
            assertThat(Threads.named("threads-test-waiter")).containsExactly(t);
            assertThat(Threads.waitingIn(t, Gate.class, "somewhereElse")).isFalse();
            assertThat(Threads.waitingUnder(t, Gate.class, "passThrough")).isTrue();
            assertThat(Threads.waitingIn(t, CountDownLatch.class, "await")).as("the innermost frame of that class").isTrue();
            assertThat(Threads.waitingUnder(t, ThreadsTest.class, "findsAThreadByNameAndSeesWhereItWaits"))
                    .as("not on that thread's stack").isFalse();
            assertThat(Threads.describe(t)).contains("passThrough");
        } finally {
            gate.open.countDown();
            t.join(5_000);
        }
        assertThat(Threads.named("threads-test-waiter")).isEmpty();
        assertThat(Threads.waitingIn(Thread.currentThread(), ThreadsTest.class, "findsAThreadByNameAndSeesWhereItWaits"))
                .as("a running thread is not waiting").isFalse();
    }
}
