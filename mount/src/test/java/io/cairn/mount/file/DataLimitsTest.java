package io.cairn.mount.file;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DataLimitsTest {
    @Test
    void fourMiBChunksInA192MiBHeapGetSixteenDirtyBuffersAndAFewCached() {
        DataLimits l = DataLimits.of(4 << 20, 192L << 20);
        assertThat(l.dirtyChunks()).isEqualTo(16);
        assertThat(l.cacheChunks()).isEqualTo(7);
        assertThat(l.readAheadChunks()).isEqualTo(2);
    }

    @Test
    void aSmallHeapGetsFewerBuffersSoTheyFitInAboutHalfOfIt() {
        DataLimits l = DataLimits.of(4 << 20, 128L << 20);
        assertThat(l.dirtyChunks()).isEqualTo(11);
        assertThat((long) (l.dirtyChunks() + l.cacheChunks()) * (4 << 20)).isLessThanOrEqualTo(64L << 20);
    }

    @Test
    void smallChunksReadFurtherAheadInChunks() {
        DataLimits l = DataLimits.of(1 << 20, 1L << 30);
        assertThat(l.readAheadChunks()).isEqualTo(4);
        assertThat(l.dirtyChunks()).isEqualTo(64);
        assertThat(l.cacheChunks()).isGreaterThanOrEqualTo(l.readAheadChunks() + 2);
    }
}
