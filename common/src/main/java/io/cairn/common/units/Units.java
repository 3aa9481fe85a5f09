package io.cairn.common.units;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints sizes ({@code 64KiB}, {@code 4MiB}, {@code 1GiB}) and durations ({@code 500ms}, {@code 15s}, {@code 2m}). */
public final class Units {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KIB|MIB|GIB|TIB|K|M|G|T|KB|MB|GB|TB)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

    private Units() {
    }

    public static long parseSize(String s) {
        Matcher m = SIZE.matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + s + "' (write e.g. 4096, 64KiB, 4MiB, 1GiB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long mult = switch (unit) {
            case "B" -> 1L;
            case "K", "KIB" -> 1L << 10;
            case "M", "MIB" -> 1L << 20;
            case "G", "GIB" -> 1L << 30;
            case "T", "TIB" -> 1L << 40;
            case "KB" -> 1000L;
            case "MB" -> 1000_000L;
            case "GB" -> 1000_000_000L;
            case "TB" -> 1000_000_000_000L;
            default -> throw new IllegalArgumentException("unknown size unit in '" + s + "'");
        };
        return Math.multiplyExact(n, mult);
    }

    public static Duration parseDuration(String s) {
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: '" + s + "' (write e.g. 500ms, 15s, 2m)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("unknown duration unit in '" + s + "'");
        };
    }

    /** A size as {@link #parseSize} reads it, in the largest binary unit that divides it: 4MiB, 64KiB, 1000, 0. */
    public static String writeSize(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        String unit = "";
        long n = bytes;
        for (int i = 0; i < units.length && n != 0 && n % 1024 == 0; i++) {
            n /= 1024;
            unit = units[i];
        }
        return n + unit;
    }

    /** A duration as {@link #parseDuration} reads it, in the largest unit that divides it: 2m, 15s, 500ms. */
    public static String writeDuration(Duration d) {
        if (d.isNegative() || d.toNanosPart() % 1_000_000 != 0) {
            throw new IllegalArgumentException("cannot write " + d + " in whole milliseconds");
        }
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s == 0 || s % 60 != 0) {
            return s + "s";
        }
        return s % 3600 == 0 ? s / 3600 + "h" : s / 60 + "m";
    }

    /** A size for people: 1.5 GiB, 300 MiB, 12 KiB, 17 B. */
    public static String formatSize(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int i = 0;
        while (Math.abs(v) >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
