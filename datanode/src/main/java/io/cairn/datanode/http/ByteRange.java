package io.cairn.datanode.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One range of bytes a GET asks for in its {@code Range} header (RFC 9110, section 14): {@code
 * bytes=FIRST-LAST}, or {@code bytes=FIRST-} for the rest of the chunk; the unit's name in any case.
 * A suffix range ({@code bytes=-N}) and several ranges are not served. {@code last} is
 * {@link Long#MAX_VALUE} when not given; a LAST past the end is clamped to the last byte.
 */
record ByteRange(long first, long last) {
    /** What a malformed header is told to look like. */
    static final String EXPECTED = "expected the header \"Range: bytes=FIRST-LAST\" (one range, in decimal, "
            + "FIRST <= LAST; LAST may be left out)";
    private static final Pattern SPEC = Pattern.compile("(?i:bytes)=([0-9]{1,19})-([0-9]{0,19})");

    /**
     * The range the header values ask for, or null when there is no Range header.
     *
     * @throws CairnException EINVAL when it is malformed, given more than once, or asks for a
     *                        suffix or for several ranges
     */
    static ByteRange parse(List<String> headers) throws CairnException {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        if (headers.size() > 1) {
            throw new CairnException(ErrorCode.EINVAL, "more than one Range header: " + EXPECTED);
        }
        String v = headers.get(0).strip();
        if (v.length() > 50) {
            throw new CairnException(ErrorCode.EINVAL, "a Range header of " + v.length() + " characters: " + EXPECTED);
        }
        Matcher m = SPEC.matcher(v);
        if (!m.matches()) {
            throw new CairnException(ErrorCode.EINVAL, "a malformed Range header \"" + printable(v) + "\": " + EXPECTED);
        }
        long first;
        long last;
        try {
            first = Long.parseLong(m.group(1));
            last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            throw new CairnException(ErrorCode.EINVAL, "a Range header with a number out of range: " + EXPECTED);
        }
        if (last < first) {
            throw new CairnException(ErrorCode.EINVAL, "a Range header whose LAST is before its FIRST: " + EXPECTED);
        }
        return new ByteRange(first, last);
    }

    /** The number of bytes asked for of a chunk of {@code size} bytes, LAST clamped to its last byte; FIRST must be inside. */
    long lengthIn(long size) {
        return Math.min(last, size - 1) - first + 1;
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
