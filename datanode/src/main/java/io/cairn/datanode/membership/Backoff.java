package io.cairn.datanode.membership;

import java.time.Duration;

/** Retry delays that grow from {@code first} by doubling up to {@code max}, until reset by a success. */
final class Backoff {
    private final Duration first;
    private final Duration max;
    private Duration next;

    Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.next = first;
    }

    Duration next() {
        Duration d = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return d;
    }

    void reset() {
        next = first;
    }
}
