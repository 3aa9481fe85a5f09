package io.cairn.common.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The cluster key and the keys made from it. Every master of a cluster holds the cluster key (a
 * file the operator copies); a datanode holds only its own node key, HMAC-SHA256 of its id under
 * the cluster key, which it is given once when it enrolls. A master can make any node's key from
 * the node's id, so it keeps none of them; a node's key opens nothing for another id.
 */
public final class NodeKeys {
    public static final int KEY_BYTES = 32;
    private static final String NODE_KEY_LABEL = "cairn-node-key:";

    private NodeKeys() {
    }

    /** A new random cluster key. */
    public static byte[] newClusterKey() {
        return Tokens.randomBytes(KEY_BYTES);
    }

    /** The key of the datanode with id {@code nodeId}. */
    public static byte[] nodeKey(byte[] clusterKey, String nodeId) {
        return hmac(clusterKey, (NODE_KEY_LABEL + nodeId).getBytes(StandardCharsets.UTF_8));
    }

    /** HMAC-SHA256 of {@code message} under {@code key}. */
    public static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    /** Compares two MACs in time that does not depend on where they differ. */
    public static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** A key as the hex a key file holds. */
    public static String toText(byte[] key) {
        return HexFormat.of().formatHex(key);
    }

    /** A key from the hex a key file holds; EINVAL-worthy input gives IllegalArgumentException. */
    public static byte[] fromText(String hex) {
        byte[] key = HexFormat.of().parseHex(hex);
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a key is " + KEY_BYTES + " bytes, not " + key.length);
        }
        return key;
    }
}
