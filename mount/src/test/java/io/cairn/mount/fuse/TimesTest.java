package io.cairn.mount.fuse;

import io.cairn.common.wire.Requests;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimesTest {
    @Test
    void utimeNowIsTheMastersClockAndUtimeOmitLeavesTheTimeAlone() {
        assertThat(Times.toSetAttr(0, Times.UTIME_NOW)).isEqualTo(Requests.SetAttr.NOW);
        assertThat(Times.toSetAttr(0, Times.UTIME_OMIT)).isNull();
    }

    @Test
    void aGivenTimeKeepsItsNanosecondsPast2038AndBefore1970() {
        assertThat(Times.toSetAttr(4_102_444_800L, 123_456_789)).isEqualTo(4_102_444_800_123_456_789L);
        assertThat(Times.toSetAttr(-1, 500_000_000)).isEqualTo(-500_000_000L);
    }

    @Test
    void aTimeBeyondWhat64BitNanosecondsHoldIsRefused() {
        assertThatThrownBy(() -> Times.toSetAttr(32_503_680_000L, 0)).isInstanceOf(ArithmeticException.class); // year 3000
        assertThatThrownBy(() -> Times.toSetAttr(0, 1_000_000_000L)).isInstanceOf(IllegalArgumentException.class);
    }
}
