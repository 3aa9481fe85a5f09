package io.cairn.common.client;

import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LayoutPagesTest {
    /** Asks of the master, as (from, limit). */
    private final List<long[]> asked = new ArrayList<>();

    /** A master holding chunks at every third index below {@code count * 3}, answering at most {@code cap} per page. */
    private LayoutPages.Source master(int count, int cap) {
        return (inode, from, limit) -> {
            asked.add(new long[] {from, limit});
            List<ChunkRef> page = new ArrayList<>();
            long first = (from + 2) / 3;
            for (long k = first; k < count && page.size() < Math.min(limit, cap); k++) {
                page.add(new ChunkRef(3 * k, "id" + k, 1, 1, 0, List.of()));
            }
            long nextK = first + page.size();
            return new FileLayout(inode, 3L * count, 1, page, nextK < count ? 3 * nextK : null);
        };
    }

    @Test
    void aPageIsAskedFromTheGivenIndexWithTheOnePageLimit() throws Exception {
        LayoutPages pages = new LayoutPages(master(10, Integer.MAX_VALUE), 42);
        FileLayout p = pages.page(4);
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0)).containsExactly(4, LayoutPages.PAGE);
        assertThat(p.inode()).isEqualTo(42);
        assertThat(p.chunks()).extracting(ChunkRef::index).containsExactly(6L, 9L, 12L, 15L, 18L, 21L, 24L, 27L);
        assertThat(p.next()).isNull();
    }

    @Test
    void aWalkFollowsTheCursorsAndAsksForEachPageOnlyWhenThePreviousIsUsedUp() throws Exception {
        int count = 2 * LayoutPages.PAGE + 5;
        LayoutPages pages = new LayoutPages(master(count, Integer.MAX_VALUE), 1);
        LayoutPages.Walk walk = pages.walk(pages.page(0));
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < LayoutPages.PAGE; i++) {
            seen.add(walk.next().index());
        }
        assertThat(asked).hasSize(1); // the first page is used up, the second not yet needed
        for (ChunkRef c = walk.next(); c != null; c = walk.next()) {
            seen.add(c.index());
        }
        assertThat(asked).hasSize(3);
        assertThat(asked.get(1)[0]).isEqualTo(3L * LayoutPages.PAGE);
        assertThat(seen).hasSize(count);
        for (int k = 0; k < count; k++) {
            assertThat(seen.get(k)).isEqualTo(3L * k);
        }
        assertThat(walk.next()).isNull(); // and stays at the end
        assertThat(asked).hasSize(3);
    }

    @Test
    void aWalkFollowsAMasterThatAnswersShorterPagesThanAsked() throws Exception {
        LayoutPages pages = new LayoutPages(master(25, 10), 1);
        LayoutPages.Walk walk = pages.walk(pages.page(0));
        int n = 0;
        while (walk.next() != null) {
            n++;
        }
        assertThat(n).isEqualTo(25);
        assertThat(asked).hasSize(3);
    }

    @Test
    void theWalkOfAFileWithNoChunksEndsAtOnce() throws Exception {
        LayoutPages pages = new LayoutPages(master(0, Integer.MAX_VALUE), 1);
        FileLayout first = pages.page(0);
        assertThat(first.chunks()).isEmpty();
        assertThat(pages.walk(first).next()).isNull();
        assertThat(asked).hasSize(1);
    }
}
