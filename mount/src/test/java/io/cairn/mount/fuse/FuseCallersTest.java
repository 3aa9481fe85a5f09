package io.cairn.mount.fuse;

import io.cairn.common.security.Caller;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A FUSE request's caller: its ids, and its process's groups read once a second at most. */
class FuseCallersTest {
    @Test
    void aProcesssGroupsAreReadOnceASecond() {
        AtomicInteger reads = new AtomicInteger();
        AtomicLong now = new AtomicLong();
        FuseCallers callers = new FuseCallers(pid -> {
            reads.incrementAndGet();
            return List.of(1700);
        }, now::get);
        assertThat(callers.of(1500, 1500, 42)).isEqualTo(new Caller(1500, 1500, List.of(1700)));
        callers.of(1500, 1500, 42);
        assertThat(reads).hasValue(1);
        callers.of(1600, 1600, 42);
        assertThat(reads).as("other ids of the same pid are read again").hasValue(2);
        now.addAndGet(FuseCallers.KEEP_NANOS);
        callers.of(1500, 1500, 42);
        assertThat(reads).hasValue(3);
    }

    @Test
    void aProcessWithMoreGroupsThanAHeaderTakesSendsTheFirst64() {
        List<Integer> many = java.util.stream.IntStream.range(0, 100).boxed().toList();
        assertThat(new FuseCallers(pid -> many, () -> 0).of(1, 1, 1).groups()).hasSize(Caller.MOST_GROUPS);
    }
}
