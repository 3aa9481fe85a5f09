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
        assertThat(h.sequential(0, 100)).isTrue();
        assertThat(h.sequential(100, 100)).isTrue();
        assertThat(h.sequential(5000, 100)).isFalse();
        assertThat(h.sequential(5100, 100)).isTrue();
    }
}
