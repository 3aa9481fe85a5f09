package io.cairn.datanode.store;

/** What re-reading a stored chunk against its sidecar found; {@code detail} says what is wrong. */
public record Check(Result result, String detail) {
    public enum Result {
        /** Size and CRC32C are as stored. */
        GOOD,
        /** Wrong size or wrong CRC32C. */
        CORRUPT,
        /** The chunk could not be opened or read (an I/O error, not a regular file). */
        UNREADABLE,
        /** No checksum was recorded (a chunk of an older version) or the sidecar is unusable: not checked. */
        UNKNOWN,
        /** Deleted, or deleted and stored again, while it was checked: nothing to say. */
        GONE
    }
}
