package io.cairn.master.placement;

/** What placement needs to know of one datanode at one moment. */
public record NodeView(String id, String address, boolean live, long capacity, long used) {
    public long free() {
        return Math.max(0, capacity - used);
    }
}
