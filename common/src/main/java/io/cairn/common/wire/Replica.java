package io.cairn.common.wire;

/**
 * A datanode holding (or chosen to hold) a replica: its id, the URL it is reached at, and the chunk
 * token the master minted for this chunk on that node (null where none was given: a record the
 * master keeps, or an answer of an older master).
 */
public record Replica(String id, String address, String token) {
    /** A replica without a chunk token. */
    public Replica(String id, String address) {
        this(id, address, null);
    }

    /** This replica with {@code token}. */
    public Replica withToken(String token) {
        return new Replica(id, address, token);
    }

    /** No token in the text: it is a secret for the datanode, not for logs. */
    @Override
    public String toString() {
        return "Replica[id=" + id + ", address=" + address + "]";
    }
}
