package io.cairn.common.security;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The cluster key and the keys made from it. Every master of a cluster holds the cluster key (a
 * file the operator copies); a datanode holds only its own node key, HMAC-SHA256 of its id under
 * the cluster key, which it is given once when it enrolls. A master can make any node's key from
 * the node's id, so it keeps none of them; a node's key opens nothing for another id.
 */
public final class NodeKeys {
    public static final int KEY_BYTES = 32;
    private static final int GCM_IV_BYTES = 12;
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

    /**
     * A datanode's next key, {@code newKey} of {@code version}, sealed for it under its current key
     * {@code oldKey} (AES-256-GCM, the node id and the version bound in): {@code VERSION.BASE64}.
     * Only the node (and the masters) hold {@code oldKey}, so the sealed key can travel over plain
     * HTTP, and a forged or altered one does not open.
     */
    public static String seal(byte[] oldKey, String nodeId, int version, byte[] newKey) {
        try {
            byte[] iv = Tokens.randomBytes(GCM_IV_BYTES);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(oldKey, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(sealLabel(nodeId, version));
            byte[] sealed = c.doFinal(newKey);
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return version + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/GCM", e);
        }
    }

    /** A key {@link #seal}ed for {@code nodeId} under {@code oldKey}, or null when {@code text} is not one. */
    public static VersionedKeys.Entry unseal(byte[] oldKey, String nodeId, String text) {
        if (text == null || text.length() > 200) {
            return null;
        }
        int dot = text.indexOf('.');
        try {
            int version = Integer.parseInt(text.substring(0, Math.max(dot, 0)));
            byte[] in = Base64.getUrlDecoder().decode(text.substring(dot + 1));
            if (version < 1 || version > VersionedKeys.MOST_VERSION || in.length != GCM_IV_BYTES + KEY_BYTES + 16) {
                return null;
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(oldKey, "AES"), new GCMParameterSpec(128, in, 0, GCM_IV_BYTES));
            c.updateAAD(sealLabel(nodeId, version));
            byte[] key = c.doFinal(in, GCM_IV_BYTES, in.length - GCM_IV_BYTES);
            return new VersionedKeys.Entry(version, key, Long.MAX_VALUE);
        } catch (IllegalArgumentException | GeneralSecurityException e) { // a bad tag is AEADBadTagException
            return null;
        }
    }

    private static byte[] sealLabel(String nodeId, int version) {
        return ("cairn-node-key-seal\n" + nodeId + "\n" + version).getBytes(StandardCharsets.UTF_8);
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
