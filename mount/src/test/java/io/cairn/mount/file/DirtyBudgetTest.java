package io.cairn.mount.file;

import io.cairn.common.error.CairnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class DirtyBudgetTest {
    @Test
    void aWriterWithoutPermitsPushesTheLeastRecentlyWrittenBufferOut() throws Exception {
        DirtyBudget budget = new DirtyBudget(2, Duration.ofSeconds(5));
        List<String> evicted = new ArrayList<>();
        DirtyBudget.Evictable a = i -> {
            evicted.add("a" + i);
            budget.forget(a(), i);
            budget.release();
        };
        holder[0] = a;
        assertThat(budget.tryAcquire()).isTrue();
        budget.touch(a, 7);
        assertThat(budget.tryAcquire()).isTrue();
        budget.touch(a, 8);
        budget.touch(a, 7); // written again: 8 is now the eldest
        budget.acquire();
        assertThat(evicted).containsExactly("a8");
    }

    private final DirtyBudget.Evictable[] holder = new DirtyBudget.Evictable[1];

    private DirtyBudget.Evictable a() {
        return holder[0];
    }

    @Test
    void waitingIsBoundedAndEndsInEio() throws Exception {
        DirtyBudget budget = new DirtyBudget(1, Duration.ofMillis(200));
        budget.acquire();
        long t0 = System.nanoTime();
        assertThatThrownBy(budget::acquire).isInstanceOf(CairnException.class).hasMessageContaining("uploads");
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        budget.release();
        budget.acquire();
        assertThat(budget.available()).isZero();
    }
}
