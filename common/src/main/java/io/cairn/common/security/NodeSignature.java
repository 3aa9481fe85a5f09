package io.cairn.common.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The signature a datanode puts on each request to a master, in its Authorization header:
 * {@code CairnNode <node id> <unix ms> <nonce> <mac> <key version>}, where the MAC is HMAC-SHA256
 * under that version of the node's key over the method, the path with its query, the time, the
 * nonce and the SHA-256 of the body (a header without a key version is signed with version 1).
 * A master accepts it only within {@link #SKEW} of its own clock and only once (it remembers the
 * nonces it saw for as long as they could be accepted), so a captured heartbeat cannot be sent
 * again, and a node's key signs only for its own id.
 */
public final class NodeSignature {
    public static final String SCHEME = "CairnNode";
    /** How far a request's time may be from the master's clock, either way. */
    public static final Duration SKEW = Duration.ofSeconds(30);
    static final int NONCE_BYTES = 16;

    /** The fields of a signature header, not yet verified. */
    public record Claim(String nodeId, long timeMs, String nonce, byte[] mac, int keyVersion) {
    }

    private NodeSignature() {
    }

    /** The header value signing this request as {@code nodeId}. */
    public static String sign(byte[] nodeKey, String nodeId, String method, String pathAndQuery, long timeMs,
                              byte[] body) {
        return sign(nodeKey, 1, nodeId, method, pathAndQuery, timeMs, body);
    }

    /** The header value signing this request as {@code nodeId} with version {@code keyVersion} of its key. */
    public static String sign(byte[] nodeKey, int keyVersion, String nodeId, String method, String pathAndQuery,
                              long timeMs, byte[] body) {
        String nonce = HexFormat.of().formatHex(Tokens.randomBytes(NONCE_BYTES));
        byte[] mac = mac(nodeKey, method, pathAndQuery, timeMs, nonce, body);
        return SCHEME + " " + nodeId + " " + timeMs + " " + nonce + " "
                + Base64.getUrlEncoder().withoutPadding().encodeToString(mac) + " " + keyVersion;
    }

    /** The fields of a header value, or null when it is not a well-formed node signature. */
    public static Claim parse(String header) {
        if (header == null || header.length() > 512 || !header.startsWith(SCHEME + " ")) {
            return null;
        }
        String[] f = header.substring(SCHEME.length() + 1).split(" ", -1);
        if (f.length != 4 && f.length != 5 || f[0].isEmpty() || f[0].length() > 64 || f[2].length() != NONCE_BYTES * 2
                || f.length == 5 && (f[4].isEmpty() || f[4].length() > 7)) {
            return null;
        }
        try {
            long t = Long.parseLong(f[1]);
            HexFormat.of().parseHex(f[2]);
            byte[] mac = Base64.getUrlDecoder().decode(f[3]);
            int version = f.length == 5 ? Integer.parseInt(f[4]) : 1;
            return mac.length == 32 && version >= 1 && version <= VersionedKeys.MOST_VERSION
                    ? new Claim(f[0], t, f[2], mac, version) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether {@code claim} is a signature by {@code nodeKey} of this request (its time is checked apart). */
    public static boolean verify(byte[] nodeKey, Claim claim, String method, String pathAndQuery, byte[] body) {
        return NodeKeys.same(claim.mac(), mac(nodeKey, method, pathAndQuery, claim.timeMs(), claim.nonce(), body));
    }

    private static byte[] mac(byte[] key, String method, String pathAndQuery, long timeMs, String nonce, byte[] body) {
        String text = "cairn-node-request\n" + method + "\n" + pathAndQuery + "\n" + timeMs + "\n" + nonce + "\n"
                + HexFormat.of().formatHex(Tokens.sha256(body));
        return NodeKeys.hmac(key, text.getBytes(StandardCharsets.UTF_8));
    }
}
