package io.cairn.master.placement;

/**
 * What placement needs to know of one datanode at one moment. {@code free} is what it can still
 * take; {@code draining}: it is being decommissioned and gets no new chunks.
 */
public record NodeView(String id, String address, boolean live, long capacity, long used, long free,
                       boolean draining) {
    public NodeView(String id, String address, boolean live, long capacity, long used) {
        this(id, address, live, capacity, used, Math.max(0, capacity - used), false);
    }
}
