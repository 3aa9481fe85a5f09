package io.cairn.mount.meta;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AbsentCapsTest {
    final AtomicLong now = new AtomicLong(1_000);
    final AbsentCaps caps = new AbsentCaps(now::get);

    @Test
    void anAbsentCapabilityIsKnownForOneSecondOnly() {
        assertThat(caps.known("/f")).isFalse();
        caps.absent("/f");
        now.addAndGet(AbsentCaps.TTL_NANOS - 1);
        assertThat(caps.known("/f")).isTrue();
        now.addAndGet(1);
        assertThat(caps.known("/f")).isFalse();
    }

    @Test
    void forgettingAPathOrATreeAboveItForgetsIt() {
        caps.absent("/f");
        caps.absent("/d/a");
        caps.absent("/d/b/c");
        caps.absent("/dx");
        caps.forget("/f");
        caps.forgetTree("/d");
        assertThat(caps.known("/f")).isFalse();
        assertThat(caps.known("/d/a")).isFalse();
        assertThat(caps.known("/d/b/c")).isFalse();
        assertThat(caps.known("/dx")).isTrue();
    }

    @Test
    void itStaysBounded() {
        for (int i = 0; i <= AbsentCaps.MAX; i++) {
            caps.absent("/f" + i);
        }
        assertThat(caps.known("/f" + AbsentCaps.MAX)).isTrue();
        assertThat(caps.known("/f0")).isFalse();
    }
}
