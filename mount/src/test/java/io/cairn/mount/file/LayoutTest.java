package io.cairn.mount.file;

import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LayoutTest {
    private static ChunkRef c(long i) {
        return new ChunkRef(i, "id" + i, 1, 1, 0, List.of());
    }

    @Test
    void aPageCoversEveryIndexUpToItsCursorAndMissingOnesAreHoles() {
        Layout l = new Layout();
        assertThat(l.covers(0)).isFalse();
        l.add(0, new FileLayout(1, 100, 10, List.of(c(0), c(2)), 5L));
        assertThat(l.covers(0)).isTrue();
        assertThat(l.covers(4)).isTrue();
        assertThat(l.covers(5)).isFalse();
        assertThat(l.get(1)).isNull();
        assertThat(l.get(2).id()).isEqualTo("id2");
        l.add(5, new FileLayout(1, 100, 10, List.of(c(5)), null));
        assertThat(l.covers(1_000_000)).isTrue();
        assertThat(l.get(5).id()).isEqualTo("id5");
    }
}
