package io.cairn.common.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The signature a master puts on each successful reply to a datanode's signed request, in the
 * header {@link #HEADER}: HMAC-SHA256 under that datanode's key over its id, the nonce of the
 * request answered, the status and the SHA-256 of the body. The orders a heartbeat reply carries
 * (delete these chunks, copy those) thus come from a holder of the cluster key even over plain
 * HTTP, and a reply cannot be moved to another request (each request has its own nonce) or to
 * another datanode.
 */
public final class ReplySignature {
    public static final String HEADER = "X-Cairn-Reply-Signature";
    /**
     * The header of a signed reply that lists the versions of the cluster key the master holds
     * (such as {@code 1,2}), signed with the reply: a datanode drops a key of a version not listed.
     */
    public static final String KEY_VERSIONS = "X-Cairn-Key-Versions";

    private ReplySignature() {
    }

    public static String sign(byte[] nodeKey, String nodeId, String requestNonce, int status, byte[] body) {
        return sign(nodeKey, nodeId, requestNonce, status, body, null);
    }

    /** As above, with the {@link #KEY_VERSIONS} header's value signed too (null: the reply has none). */
    public static String sign(byte[] nodeKey, String nodeId, String requestNonce, int status, byte[] body,
                              String keyVersions) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac(nodeKey, nodeId, requestNonce, status, body, keyVersions));
    }

    /** Whether {@code header} is the signature of this reply under {@code nodeKey} (false for a malformed one). */
    public static boolean verify(byte[] nodeKey, String nodeId, String requestNonce, int status, byte[] body,
                                 String header) {
        return verify(nodeKey, nodeId, requestNonce, status, body, header, null);
    }

    /** As above, for a reply whose {@link #KEY_VERSIONS} header is {@code keyVersions} (null: none). */
    public static boolean verify(byte[] nodeKey, String nodeId, String requestNonce, int status, byte[] body,
                                 String header, String keyVersions) {
        if (keyVersions != null && keyVersions.length() > 400 || header == null || header.length() > 64) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(header);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return NodeKeys.same(given, mac(nodeKey, nodeId, requestNonce, status, body, keyVersions));
    }

    private static byte[] mac(byte[] key, String nodeId, String nonce, int status, byte[] body, String keyVersions) {
        String text = "cairn-master-reply\n" + nodeId + "\n" + nonce + "\n" + status + "\n"
                + HexFormat.of().formatHex(Tokens.sha256(body)) + (keyVersions == null ? "" : "\nkeys " + keyVersions);
        return NodeKeys.hmac(key, text.getBytes(StandardCharsets.UTF_8));
    }
}
