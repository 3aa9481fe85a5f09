package io.cairn.master.repair;

import io.cairn.master.meta.MetaTx.ChunkReplicas;
import io.cairn.master.placement.NodeView;
import io.cairn.master.placement.Placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What repair should do next, as a pure function of the chunks' replicas and a snapshot of the
 * nodes. A replica counts when its node is live, not draining, and the replica is not known bad.
 * Chunks with fewer than R counted replicas get copy orders, the most endangered first (one copy
 * left before two), from a live good replica to a node placement picks; chunks with R or more
 * counted replicas lose their surplus, draining and bad copies.
 */
public final class RepairPlanner {
    private RepairPlanner() {
    }

    public record Order(String chunkId, long size, long crc32c, String target, List<String> sources) {
    }

    public record Trim(String chunkId, String node) {
    }

    public record Plan(List<Order> orders, List<Trim> trims) {
    }

    /**
     * @param bad       "chunkId/nodeId" of replicas known bad
     * @param pending   chunks that already have a copy under way
     * @param maxOrders at most this many copy orders in one plan
     */
    public static Plan plan(List<ChunkReplicas> chunks, List<NodeView> nodes, int replication, Set<String> bad,
                            Set<String> pending, long chunkSize, int maxOrders, long cursor) {
        Map<String, NodeView> byId = new HashMap<>();
        nodes.forEach(n -> byId.put(n.id(), n));
        record Need(ChunkReplicas chunk, List<String> counted, List<String> sources) {
        }
        List<Need> needs = new ArrayList<>();
        List<Trim> trims = new ArrayList<>();
        for (ChunkReplicas c : chunks) {
            List<String> counted = new ArrayList<>();
            List<String> sources = new ArrayList<>();
            List<String> draining = new ArrayList<>();
            List<String> badHere = new ArrayList<>();
            for (String node : c.nodes()) {
                NodeView n = byId.get(node);
                boolean isBad = bad.contains(c.id() + "/" + node);
                if (isBad) {
                    badHere.add(node);
                    continue;
                }
                if (n != null && n.live()) {
                    sources.add(node);
                    if (n.draining()) {
                        draining.add(node);
                    } else {
                        counted.add(node);
                    }
                } else if (n != null && n.draining()) {
                    draining.add(node);
                }
            }
            if (counted.size() < replication) {
                if (!sources.isEmpty() && !pending.contains(c.id())) {
                    needs.add(new Need(c, counted, sources));
                }
                continue;
            }
            draining.forEach(node -> trims.add(new Trim(c.id(), node)));
            badHere.forEach(node -> trims.add(new Trim(c.id(), node)));
            if (counted.size() > replication) {
                // keep the copies on the nodes with the most room; trim the rest
                List<String> byRoom = new ArrayList<>(counted);
                byRoom.sort(Comparator.comparingLong((String id) -> byId.get(id).free()).reversed().thenComparing(id -> id));
                for (String node : byRoom.subList(replication, byRoom.size())) {
                    trims.add(new Trim(c.id(), node));
                }
            }
        }
        needs.sort(Comparator.comparingInt((Need n) -> n.counted().size()).thenComparing(n -> n.chunk().id()));
        List<Order> orders = new ArrayList<>();
        long turn = cursor;
        for (Need n : needs) {
            if (orders.size() >= maxOrders) {
                break;
            }
            Set<String> exclude = new HashSet<>(n.chunk().nodes());
            int missing = replication - n.counted().size();
            for (NodeView target : Placement.pick(nodes, missing, exclude, chunkSize, turn++)) {
                orders.add(new Order(n.chunk().id(), n.chunk().size(), n.chunk().crc32c(), target.id(), n.sources()));
            }
        }
        return new Plan(orders, trims);
    }
}
