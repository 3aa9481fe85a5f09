package io.cairn.common.wire;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The id of one logical call that changes something on the master, sent in {@link #HEADER}: 128
 * random bits as 32 lowercase hex digits, made once per call and sent again, unchanged, when the
 * call is retried after a transport failure. The master keeps recent answers by id and answers a
 * request it has already carried out with its first answer, so a retried change happens once.
 */
public final class RequestId {
    /** The request header that carries the id. */
    public static final String HEADER = "Cairn-Request";
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestId() {
    }

    /** A fresh id. */
    public static String fresh() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Whether {@code s} has the form of a request id. */
    public static boolean isValid(String s) {
        return s != null && FORM.matcher(s).matches();
    }
}
