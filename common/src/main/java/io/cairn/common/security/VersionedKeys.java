package io.cairn.common.security;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keys with versions, as one line of a key file ({@link SecretFile} holds one line): entries
 * {@code VERSION:HEX} or {@code VERSION:HEX@UNTIL} (unix ms after which the key is no longer
 * used), separated by spaces. A line of bare hex, as key files were written before keys had
 * versions, is version 1. Versions are 1 to {@link #MOST_VERSION}, each at most once.
 */
public final class VersionedKeys {
    /** The highest version a key may have. */
    public static final int MOST_VERSION = 1_000_000;
    /** The most entries one line holds (a line of a secret file is at most 4 KiB). */
    public static final int MOST_ENTRIES = 40;

    /** One key. {@code untilMs} is {@link Long#MAX_VALUE} for a key with no end. */
    public record Entry(int version, byte[] key, long untilMs) {
        public boolean usableAt(long nowMs) {
            return nowMs <= untilMs;
        }
    }

    private VersionedKeys() {
    }

    /** The entries of {@code line}, oldest version first; IllegalArgumentException for a malformed line. */
    public static List<Entry> parse(String line) {
        String t = line.trim();
        if (!t.contains(":")) {
            return List.of(new Entry(1, NodeKeys.fromText(t), Long.MAX_VALUE));
        }
        String[] parts = t.split(" +");
        if (parts.length > MOST_ENTRIES) {
            throw new IllegalArgumentException("more than " + MOST_ENTRIES + " keys");
        }
        List<Entry> out = new ArrayList<>();
        for (String p : parts) {
            int colon = p.indexOf(':');
            int at = p.indexOf('@');
            if (colon < 1 || colon > 7 || at >= 0 && at < colon) {
                throw new IllegalArgumentException("a key entry is VERSION:HEX[@UNTIL]");
            }
            int version = Integer.parseInt(p.substring(0, colon));
            byte[] key = NodeKeys.fromText(p.substring(colon + 1, at < 0 ? p.length() : at));
            long until = at < 0 ? Long.MAX_VALUE : Long.parseLong(p.substring(at + 1));
            if (version < 1 || version > MOST_VERSION || until < 0) {
                throw new IllegalArgumentException("key version " + version + " is out of range");
            }
            for (Entry e : out) {
                if (e.version() == version) {
                    throw new IllegalArgumentException("key version " + version + " appears twice");
                }
            }
            out.add(new Entry(version, key, until));
        }
        out.sort(Comparator.comparingInt(Entry::version));
        return List.copyOf(out);
    }

    /** The line that holds {@code entries}. */
    public static String format(List<Entry> entries) {
        if (entries.isEmpty() || entries.size() > MOST_ENTRIES) {
            throw new IllegalArgumentException("a key line holds 1 to " + MOST_ENTRIES + " keys");
        }
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(e.version()).append(':').append(NodeKeys.toText(e.key()));
            if (e.untilMs() != Long.MAX_VALUE) {
                b.append('@').append(e.untilMs());
            }
        }
        return b.toString();
    }
}
