package io.cairn.common.wire;

/**
 * The version of the JSON-over-HTTP protocol the parts of a cluster speak to each other. Every
 * request of the client library announces it in {@link #HEADER}; a master or datanode refuses a
 * request that announces another one (EPROTO), and serves one that announces none (curl).
 * Raise {@link #CURRENT} when a change to {@code /api/v1} would make old and new parts misread
 * each other.
 */
public final class WireVersion {
    /** The version this build speaks. */
    public static final int CURRENT = 2; // 2: slices (ChunkRef.at/slices, CommitChunk.at/folds)
    /** The request header that carries the caller's version. */
    public static final String HEADER = "Cairn-Wire-Version";

    private WireVersion() {
    }

    /**
     * The one line a refused caller sees, e.g. "this master speaks Cairn wire version 2, the caller
     * speaks 3: run the same Cairn version on every part".
     *
     * @param role   what refuses ("master", "datanode")
     * @param ours   the version the refusing part speaks
     * @param theirs the header value the caller sent, as sent
     */
    public static String mismatch(String role, int ours, String theirs) {
        return "this " + role + " speaks Cairn wire version " + ours + ", the caller speaks " + theirs
                + ": run the same Cairn version on every part";
    }
}
