package io.cairn.master.repair;

import io.cairn.master.meta.MetaTx.ChunkReplicas;
import io.cairn.master.placement.NodeView;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RepairPlannerTest {
    private static final long C = 1 << 20;

    private static NodeView node(String id, boolean live) {
        return new NodeView(id, "http://" + id, live, 1L << 40, 0, 1L << 40, false);
    }

    private static NodeView draining(String id) {
        return new NodeView(id, "http://" + id, true, 1L << 40, 0, 1L << 40, true);
    }

    private static ChunkReplicas chunk(String id, String... nodes) {
        return new ChunkReplicas(id, 100, 7, List.of(nodes));
    }

    @Test
    void aChunkLeftWithOneLiveCopyIsCopiedFromItToANodeThatLacksIt() {
        var nodes = List.of(node("a", true), node("b", false), node("c", true));
        var plan = RepairPlanner.plan(List.of(chunk("x", "a", "b")), nodes, 2, Set.of(), Set.of(), C, 100, 0);
        assertThat(plan.orders()).singleElement().satisfies(o -> {
            assertThat(o.target()).isEqualTo("c");
            assertThat(o.sources()).containsExactly("a");
            assertThat(o.chunkId()).isEqualTo("x");
        });
        assertThat(plan.trims()).isEmpty();
    }

    @Test
    void theMostEndangeredChunksComeFirst() {
        var nodes = List.of(node("a", true), node("b", true), node("c", true), node("d", true), node("e", false));
        var chunks = List.of(chunk("two-of-three", "a", "b", "e"), chunk("one-of-three", "a", "e"));
        var plan = RepairPlanner.plan(chunks, nodes, 3, Set.of(), Set.of(), C, 2, 0);
        assertThat(plan.orders()).hasSize(2).allSatisfy(o -> assertThat(o.chunkId()).isEqualTo("one-of-three"));
    }

    @Test
    void aChunkWithNoLiveCopyIsNotOrderedAndOneAlreadyUnderWayIsNotOrderedTwice() {
        var nodes = List.of(node("a", false), node("b", true), node("c", true));
        assertThat(RepairPlanner.plan(List.of(chunk("lost", "a")), nodes, 2, Set.of(), Set.of(), C, 10, 0).orders()).isEmpty();
        assertThat(RepairPlanner.plan(List.of(chunk("x", "b")), nodes, 2, Set.of(), Set.of("x"), C, 10, 0).orders()).isEmpty();
    }

    @Test
    void surplusCopiesOfAReturnedNodeAreTrimmed() {
        var nodes = List.of(node("a", true), node("b", true), node("c", true));
        var plan = RepairPlanner.plan(List.of(chunk("x", "a", "b", "c")), nodes, 2, Set.of(), Set.of(), C, 10, 0);
        assertThat(plan.orders()).isEmpty();
        assertThat(plan.trims()).hasSize(1);
    }

    @Test
    void aBadReplicaDoesNotCountIsNeverASourceAndIsTrimmedOnceReplaced() {
        var nodes = List.of(node("a", true), node("b", true), node("c", true));
        var under = RepairPlanner.plan(List.of(chunk("x", "a", "b")), nodes, 2, Set.of("x/a"), Set.of(), C, 10, 0);
        assertThat(under.orders()).singleElement().satisfies(o -> {
            assertThat(o.sources()).containsExactly("b");
            assertThat(o.target()).isEqualTo("c");
        });
        var replaced = RepairPlanner.plan(List.of(chunk("x", "a", "b", "c")), nodes, 2, Set.of("x/a"), Set.of(), C, 10, 0);
        assertThat(replaced.trims()).extracting(RepairPlanner.Trim::node).containsExactly("a");
    }

    @Test
    void aDrainingNodesCopiesAreMovedThenTrimmed() {
        var nodes = List.of(draining("a"), node("b", true), node("c", true));
        var move = RepairPlanner.plan(List.of(chunk("x", "a", "b")), nodes, 2, Set.of(), Set.of(), C, 10, 0);
        assertThat(move.orders()).singleElement().satisfies(o -> {
            assertThat(o.target()).isEqualTo("c");
            assertThat(o.sources()).containsExactlyInAnyOrder("a", "b");
        });
        var done = RepairPlanner.plan(List.of(chunk("x", "a", "b", "c")), nodes, 2, Set.of(), Set.of(), C, 10, 0);
        assertThat(done.trims()).extracting(RepairPlanner.Trim::node).containsExactly("a");
    }
}
