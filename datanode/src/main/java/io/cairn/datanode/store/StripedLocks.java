package io.cairn.datanode.store;

/**
 * Locks by chunk id: placing, deleting and re-checking the placement of one id are serialized;
 * different ids mostly go in parallel. No network I/O happens under one.
 */
final class StripedLocks {
    private static final int STRIPES = 64;

    private final Object[] locks = new Object[STRIPES];

    StripedLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** The lock of {@code id} (shared with the ids of the same stripe). */
    Object of(String id) {
        return locks[Math.floorMod(id.hashCode(), STRIPES)];
    }
}
