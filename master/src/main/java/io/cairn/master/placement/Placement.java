package io.cairn.master.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Who gets the next chunk: a pure function over a snapshot of the cluster. Candidates are the live
 * nodes with room for one more chunk that are neither draining nor excluded, ordered by id; the pick starts at
 * {@code cursor} modulo their number and takes up to {@code count} distinct nodes in turn, so that
 * successive chunks go round the cluster and no node gets two replicas of one chunk.
 */
public final class Placement {
    private Placement() {
    }

    public static List<NodeView> pick(List<NodeView> nodes, int count, Set<String> exclude, long chunkSize, long cursor) {
        List<NodeView> candidates = new ArrayList<>();
        for (NodeView n : nodes) {
            if (n.live() && !n.draining() && n.free() >= chunkSize && !exclude.contains(n.id())) {
                candidates.add(n);
            }
        }
        candidates.sort(Comparator.comparing(NodeView::id));
        List<NodeView> picked = new ArrayList<>();
        int size = candidates.size();
        if (size == 0 || count <= 0) {
            return picked;
        }
        int start = (int) Math.floorMod(cursor, (long) size);
        for (int i = 0; i < Math.min(count, size); i++) {
            picked.add(candidates.get((start + i) % size));
        }
        return picked;
    }
}
