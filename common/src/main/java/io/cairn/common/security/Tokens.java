package io.cairn.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bearer tokens: 32 random bytes from the system's strong source, printed in URL-safe base64 after
 * a short prefix that says what kind of token it is ({@code cairn_} for a client or admin token,
 * {@code cairnjoin_} for a datanode's join token). A server keeps only their SHA-256 hashes.
 */
public final class Tokens {
    public static final String CLIENT_PREFIX = "cairn_";
    public static final String JOIN_PREFIX = "cairnjoin_";
    /** The longest token a server looks at; anything longer is refused unread. */
    public static final int MAX_LENGTH = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    /** A new token: {@code prefix} then 43 characters of randomness (256 bits). */
    public static String newToken(String prefix) {
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    public static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The SHA-256 of {@code token} in hex: what a server stores and looks tokens up by. */
    public static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Whether {@code s} could be a token: bounded, and only the characters tokens are made of. */
    public static boolean wellFormed(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
