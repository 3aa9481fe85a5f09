package io.cairn.common.wire;

/** One datanode as {@code cairn nodes} shows it; {@code state} is exactly "live" or "dead". */
public record NodeInfo(String id, String address, String state, long capacity, long used, long chunks,
                       long lastHeartbeatMs) {
}
