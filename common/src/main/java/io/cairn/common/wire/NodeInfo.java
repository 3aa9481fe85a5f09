package io.cairn.common.wire;

/**
 * One datanode as {@code cairn nodes} shows it; {@code state} is exactly "live" or "dead". {@code full}:
 * it takes no new chunks; {@code decommissioning}: its replicas are being moved away, {@code replicas}
 * of them still recorded on it.
 */
public record NodeInfo(String id, String address, String state, long capacity, long used, long chunks,
                       long lastHeartbeatMs, boolean full, boolean decommissioning, long replicas) {
}
