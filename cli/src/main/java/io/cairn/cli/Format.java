package io.cairn.cli;

import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** How attributes look on a terminal. */
final class Format {
    private static final DateTimeFormatter LS_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter FULL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.nnnnnnnnn Z")
            .withZone(ZoneId.systemDefault());

    private Format() {
    }

    static String modeString(Attr a) {
        char t = switch (a.type()) {
            case DIR -> 'd';
            case SYMLINK -> 'l';
            case FIFO -> 'p';
            case SOCKET -> 's';
            case CHARDEV -> 'c';
            case BLOCKDEV -> 'b';
            case FILE -> '-';
        };
        StringBuilder sb = new StringBuilder().append(t);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            sb.append((a.mode() & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        if ((a.mode() & 04000) != 0) {
            sb.setCharAt(3, sb.charAt(3) == 'x' ? 's' : 'S');
        }
        if ((a.mode() & 02000) != 0) {
            sb.setCharAt(6, sb.charAt(6) == 'x' ? 's' : 'S');
        }
        if ((a.mode() & 01000) != 0) {
            sb.setCharAt(9, sb.charAt(9) == 'x' ? 't' : 'T');
        }
        return sb.toString();
    }

    static Instant instant(long ns) {
        return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
    }

    static String lsTime(long ns) {
        return LS_TIME.format(instant(ns));
    }

    static String fullTime(long ns) {
        return FULL_TIME.format(instant(ns));
    }

    static String lsLine(Attr a, String name) {
        String size = a.type() == FileType.CHARDEV || a.type() == FileType.BLOCKDEV
                ? (a.rdev() >>> 8) + ", " + (a.rdev() & 0xff) : Long.toString(a.size());
        String line = String.format("%s %3d %5d %5d %12s %s %s", modeString(a), a.nlink(), a.uid(), a.gid(), size,
                lsTime(a.mtimeNs()), name);
        return a.type() == FileType.SYMLINK ? line + " -> " + a.target() : line;
    }
}
