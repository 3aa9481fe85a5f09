package io.cairn.common.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Chunk tokens: what a datanode asks of every caller before it serves, stores or deletes a chunk.
 * The master mints them (it can make every node's key from the cluster key) and hands them out with
 * allocations, layouts and copy orders; a datanode checks them with its own key alone, asking no one.
 * A token is one line:
 * <pre>
 *   v1.&lt;node id&gt;.&lt;chunk id&gt;.&lt;ops&gt;.&lt;expiry, unix ms&gt;.&lt;mac&gt;                  (version 1 of the node's key)
 *   v2.&lt;key version&gt;.&lt;node id&gt;.&lt;chunk id&gt;.&lt;ops&gt;.&lt;expiry, unix ms&gt;.&lt;mac&gt;  (any version)
 * </pre>
 * where {@code ops} is one or more of {@code r} (read), {@code w} (write, and sync), {@code d}
 * (delete), {@code s} (status, with chunk id {@link #STATUS_CHUNK}), each at most once, in that
 * order; and the MAC is HMAC-SHA256 under the node's key over a domain label and every field, in
 * URL-safe base64 without padding (in {@code v2}, under the version of the key it names, which is
 * bound in too; the master mints under the version the node last signed with). So a token opens one chunk, on one node, for the operations it
 * names, until it expires: the MAC binds the node id (another node's key does not make it), the
 * chunk id, the operations and the expiry.
 */
public final class ChunkTokens {
    /** The scheme of the Authorization header that carries a chunk token to a datanode. */
    public static final String SCHEME = "CairnChunk";
    /** How long a token the master mints lasts. */
    public static final Duration LIFETIME = Duration.ofMinutes(10);
    /** How far a datanode's clock may be behind the master's: a token is refused this long after its expiry. */
    public static final Duration SKEW = Duration.ofSeconds(30);
    /** The chunk id of a token that lets its holder ask a datanode's status. */
    public static final String STATUS_CHUNK = "status";
    /** The longest token looked at; anything longer is refused unread. */
    public static final int MAX_LENGTH = 220;
    private static final String VERSION = "v1";
    private static final String VERSION_2 = "v2";
    private static final String LABEL = "cairn-chunk-token\n";
    private static final String OP_ORDER = "rwds";
    private static final int MAC_CHARS = 43; // 32 bytes in base64 without padding

    /** What a token may be used for. */
    public enum Op {
        READ('r'), WRITE('w'), DELETE('d'), STATUS('s');

        private final char letter;

        Op(char letter) {
            this.letter = letter;
        }

        public char letter() {
            return letter;
        }
    }

    /** The fields of a well-formed token, not yet verified. */
    public record Claim(String nodeId, String chunkId, String ops, long expiryMs, byte[] mac, int keyVersion) {
        public boolean allows(Op op) {
            return ops.indexOf(op.letter()) >= 0;
        }
    }

    private ChunkTokens() {
    }

    /**
     * A token for {@code ops} (letters of {@link Op}, e.g. "rw") on chunk {@code chunkId} of node
     * {@code nodeId}, signed with that node's key, valid until {@code expiryMs}.
     */
    public static String mint(byte[] nodeKey, String nodeId, String chunkId, String ops, long expiryMs) {
        return mint(nodeKey, 1, nodeId, chunkId, ops, expiryMs);
    }

    /** As above, signed with version {@code keyVersion} of the node's key (a {@code v2} token unless it is 1). */
    public static String mint(byte[] nodeKey, int keyVersion, String nodeId, String chunkId, String ops, long expiryMs) {
        if (!field(nodeId) || !field(chunkId) || !opsWellFormed(ops) || expiryMs < 0 || keyVersion < 1
                || keyVersion > VersionedKeys.MOST_VERSION) {
            throw new IllegalArgumentException("cannot mint a chunk token for node " + nodeId + ", chunk " + chunkId
                    + ", ops " + ops);
        }
        String mac = Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac(nodeKey, keyVersion, nodeId, chunkId, ops, expiryMs));
        String token = (keyVersion == 1 ? VERSION : VERSION_2 + "." + keyVersion) + "." + nodeId + "." + chunkId + "."
                + ops + "." + expiryMs + "." + mac;
        if (token.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a chunk token for node " + nodeId + " would be too long");
        }
        return token;
    }

    /** The fields of {@code token}, or null when it is not a well-formed chunk token. */
    public static Claim parse(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            return null;
        }
        String[] all = token.split("\\.", -1);
        int keyVersion = 1;
        String[] f = all;
        if (all.length == 7 && all[0].equals(VERSION_2)) {
            if (all[1].isEmpty() || all[1].length() > 7 || !digits(all[1])) {
                return null;
            }
            keyVersion = Integer.parseInt(all[1]);
            if (keyVersion < 1 || keyVersion > VersionedKeys.MOST_VERSION) {
                return null;
            }
            f = new String[] {VERSION, all[2], all[3], all[4], all[5], all[6]};
        }
        if (f.length != 6 || !f[0].equals(VERSION) || !field(f[1]) || !field(f[2]) || !opsWellFormed(f[3])
                || f[4].isEmpty() || f[4].length() > 19 || !digits(f[4]) || f[5].length() != MAC_CHARS) {
            return null;
        }
        try {
            long expiry = Long.parseLong(f[4]);
            byte[] mac = Base64.getUrlDecoder().decode(f[5]);
            return mac.length == 32 ? new Claim(f[1], f[2], f[3], expiry, mac, keyVersion) : null;
        } catch (IllegalArgumentException e) { // NumberFormatException too
            return null;
        }
    }

    /**
     * Checks that {@code token} lets its holder do {@code op} on chunk {@code chunkId} of node
     * {@code nodeId}, whose key is {@code nodeKey}, at {@code nowMs}.
     *
     * @throws CairnException EAUTH when there is no token, or it is malformed, forged, truncated or
     *                        expired; EACCES when it is genuine (or names another node) but not for
     *                        this node, this chunk or this operation
     */
    public static void check(byte[] nodeKey, String nodeId, String token, String chunkId, Op op, long nowMs)
            throws CairnException {
        check(v -> v == 1 ? nodeKey : null, nodeId, token, chunkId, op, nowMs);
    }

    /** The keys a node holds, by version (null for a version it does not hold). */
    @FunctionalInterface
    public interface Keys {
        byte[] key(int version);
    }

    /** As above, with the node's key of the version the token names taken from {@code keys}. */
    public static void check(Keys keys, String nodeId, String token, String chunkId, Op op, long nowMs)
            throws CairnException {
        if (token == null || token.isEmpty()) {
            throw new CairnException(ErrorCode.EAUTH, "no chunk token (the master gives one with each layout, "
                    + "allocation and copy order)");
        }
        Claim c = parse(token);
        if (c == null) {
            throw new CairnException(ErrorCode.EAUTH, "malformed chunk token");
        }
        if (!c.nodeId().equals(nodeId)) {
            throw new CairnException(ErrorCode.EACCES, "the chunk token is for another datanode");
        }
        byte[] nodeKey = keys.key(c.keyVersion());
        if (nodeKey == null) {
            throw new CairnException(ErrorCode.EAUTH, "the chunk token is signed with version " + c.keyVersion()
                    + " of this datanode's key, which it does not hold (ask the master for the chunk again)");
        }
        if (!NodeKeys.same(c.mac(), mac(nodeKey, c.keyVersion(), c.nodeId(), c.chunkId(), c.ops(), c.expiryMs()))) {
            throw new CairnException(ErrorCode.EAUTH, "bad chunk token (not made by this cluster's master)");
        }
        if (nowMs - SKEW.toMillis() > c.expiryMs()) {
            throw new CairnException(ErrorCode.EAUTH, "expired chunk token (ask the master for the chunk again)");
        }
        if (!c.chunkId().equals(chunkId)) {
            throw new CairnException(ErrorCode.EACCES, "the chunk token is for another chunk");
        }
        if (!c.allows(op)) {
            throw new CairnException(ErrorCode.EACCES, "the chunk token does not allow " + op.name().toLowerCase());
        }
    }

    /** The token in an Authorization header value {@code CairnChunk <token>}, or null when there is none. */
    public static String fromHeader(String header) {
        if (header == null || header.length() > MAX_LENGTH + SCHEME.length() + 1 || !header.startsWith(SCHEME + " ")) {
            return null;
        }
        return header.substring(SCHEME.length() + 1);
    }

    /** The Authorization header value that carries {@code token}. */
    public static String header(String token) {
        return SCHEME + " " + token;
    }

    private static byte[] mac(byte[] key, int keyVersion, String nodeId, String chunkId, String ops, long expiryMs) {
        String text = LABEL + (keyVersion == 1 ? VERSION : VERSION_2 + "\n" + keyVersion) + "\n" + nodeId + "\n" + chunkId + "\n" + ops + "\n" + expiryMs;
        return NodeKeys.hmac(key, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A node or chunk id: 1 to 64 of [0-9a-z-]. */
    private static boolean field(String s) {
        if (s == null || s.isEmpty() || s.length() > 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** One or more of "rwds", each at most once, in that order. */
    private static boolean opsWellFormed(String ops) {
        if (ops == null || ops.isEmpty() || ops.length() > OP_ORDER.length()) {
            return false;
        }
        int last = -1;
        for (int i = 0; i < ops.length(); i++) {
            int at = OP_ORDER.indexOf(ops.charAt(i));
            if (at <= last) {
                return false;
            }
            last = at;
        }
        return true;
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
