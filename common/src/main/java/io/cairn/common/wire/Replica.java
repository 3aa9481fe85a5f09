package io.cairn.common.wire;

/** A datanode holding (or chosen to hold) a replica: its id and the URL it is reached at. */
public record Replica(String id, String address) {
}
