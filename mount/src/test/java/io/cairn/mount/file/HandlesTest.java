package io.cairn.mount.file;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HandlesTest {
    @Test
    void handlesGetDistinctNonZeroNumbersThatAreNeverReused() {
        Handles t = new Handles();
        Handle a = new Handle(null, false, false);
        Handle b = new Handle(null, true, false);
        long fa = t.add(a);
        long fb = t.add(b);
        assertThat(fa).isNotZero().isNotEqualTo(fb);
        assertThat(t.get(fa)).isSameAs(a);
        assertThat(t.remove(fa)).isSameAs(a);
        assertThat(t.get(fa)).isNull();
        assertThat(t.remove(fa)).isNull();
        assertThat(t.add(a)).isNotIn(fa, fb);
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void aReadContinuingThePreviousOneIsSequential() {
        Handle h = new Handle(null, false, false);
        long k = 1024;
        assertThat(h.sequential(0, 128 * k)).isTrue();
        assertThat(h.sequential(128 * k, 128 * k)).isTrue();
        // the kernel's read-ahead, served out of order: 384 KiB before 256 KiB
        assertThat(h.sequential(384 * k, 128 * k)).isTrue();
        assertThat(h.sequential(256 * k, 128 * k)).isTrue();
        assertThat(h.sequential(512 * k, 128 * k)).isTrue();
        // a jump far away is random; reads going on from there are sequential again
        assertThat(h.sequential(50_000 * k, 4 * k)).isFalse();
        assertThat(h.sequential(50_004 * k, 4 * k)).isTrue();
        assertThat(h.sequential(10_000 * k, 4 * k)).isFalse();
        assertThat(h.sequential(0, 4 * k)).isTrue();
    }
}
