package io.cairn.master.placement;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PlacementTest {
    private static final long C = 4 << 20;

    private static NodeView node(String id, boolean live, long free) {
        return new NodeView(id, "http://" + id, live, 1L << 40, (1L << 40) - free);
    }

    private static List<String> ids(List<NodeView> v) {
        return v.stream().map(NodeView::id).toList();
    }

    @Test
    void successiveChunksGoRoundTheClusterOnDistinctNodes() {
        List<NodeView> nodes = List.of(node("a", true, 1L << 30), node("b", true, 1L << 30), node("c", true, 1L << 30));
        assertThat(ids(Placement.pick(nodes, 2, Set.of(), C, 0))).containsExactly("a", "b");
        assertThat(ids(Placement.pick(nodes, 2, Set.of(), C, 1))).containsExactly("b", "c");
        assertThat(ids(Placement.pick(nodes, 2, Set.of(), C, 2))).containsExactly("c", "a");
        assertThat(ids(Placement.pick(nodes, 2, Set.of(), C, 3))).containsExactly("a", "b");
    }

    @Test
    void everyNodeGetsAnEqualShareOverManyChunks() {
        List<NodeView> nodes = List.of(node("a", true, 1L << 30), node("b", true, 1L << 30), node("c", true, 1L << 30));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            for (NodeView n : Placement.pick(nodes, 2, Set.of(), C, i)) {
                counts.merge(n.id(), 1, Integer::sum);
            }
        }
        assertThat(counts).containsEntry("a", 200).containsEntry("b", 200).containsEntry("c", 200);
    }

    @Test
    void deadFullAndExcludedNodesAreSkipped() {
        List<NodeView> nodes = List.of(node("a", false, 1L << 30), node("b", true, C - 1), node("c", true, 1L << 30),
                node("d", true, 1L << 30));
        for (int i = 0; i < 10; i++) {
            assertThat(ids(Placement.pick(nodes, 2, Set.of(), C, i))).containsExactlyInAnyOrder("c", "d");
        }
        assertThat(ids(Placement.pick(nodes, 2, Set.of("c"), C, 0))).containsExactly("d");
    }

    @Test
    void neverMoreReplicasThanCandidatesAndNoneWithoutLiveNodes() {
        List<NodeView> one = List.of(node("a", true, 1L << 30));
        assertThat(ids(Placement.pick(one, 3, Set.of(), C, 5))).containsExactly("a");
        assertThat(Placement.pick(List.of(node("a", false, 1L << 30)), 2, Set.of(), C, 0)).isEmpty();
        assertThat(Placement.pick(new ArrayList<>(), 2, Set.of(), C, 0)).isEmpty();
    }

    @Test
    void aNegativeCursorStillPicksValidNodes() {
        List<NodeView> nodes = List.of(node("a", true, 1L << 30), node("b", true, 1L << 30));
        assertThat(ids(Placement.pick(nodes, 2, Set.of(), C, -1))).containsExactly("b", "a");
    }
}
