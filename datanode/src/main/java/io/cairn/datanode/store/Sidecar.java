package io.cairn.datanode.store;

import io.cairn.common.checksum.BlockSums;
import io.cairn.common.wire.Limits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checksum sidecar {@code chunks/ab/<id>.crc} of a chunk: its format, and writing and reading
 * it. Every version of the format this datanode knows is parsed here, and only here. All of it is
 * ASCII, numbers in decimal.
 * <ul>
 *   <li>Version 1, written by older datanodes: the single line {@code size=N crc32c=N} (with or
 *       without a final newline). It has no version line and stays readable forever.</li>
 *   <li>Version 2, the one written: the line {@code version=2}, the line {@code size=N crc32c=N}
 *       (the whole chunk), then one line per {@link BlockSums#BLOCK}-byte block of the chunk (the
 *       last may be shorter) holding that block's CRC32C: exactly {@link BlockSums#count} of them
 *       (none for an empty chunk), every line ending with a newline. A chunk of one block must have
 *       that block's sum as its own.</li>
 *   <li>Every later version begins with the line {@code version=N} (N &ge; 3); what follows is that
 *       version's own. A version not known here is reported as such ({@link Flaw#UNKNOWN_VERSION})
 *       and its chunk is not checked: a sidecar written by a newer datanode never makes a chunk bad.</li>
 * </ul>
 * A new version is added in {@link #parse} (and {@link #MAX_BYTES} raised if it needs more room).
 */
final class Sidecar {
    /** The name of a chunk's sidecar is the chunk's id and this. */
    static final String SUFFIX = ".crc";
    /** The longest {@code size=N crc32c=N} line written, with its newline (a 64 MiB chunk's). */
    private static final int SUM_LINE_MAX = ("size=" + Limits.MAX_CHUNK + " crc32c=4294967295\n").length();
    /**
     * The largest sidecar of any version known here (version 2 of a 64 MiB chunk: the version line,
     * the sum line and {@link BlockSums#MAX_BLOCKS} lines of at most 10 digits); a larger file is not read.
     */
    static final int MAX_BYTES = "version=2\n".length() + SUM_LINE_MAX + BlockSums.MAX_BLOCKS * 11;
    private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);
    private static final String VERSION_KEY = "version=";
    private static final Pattern VERSION_LINE = Pattern.compile("version=(\\d{1,9})\n");
    private static final Pattern V1_LINE = Pattern.compile("size=(\\d{1,19}) crc32c=(\\d{1,10})\n?");
    private static final Pattern SUM_LINE = Pattern.compile("size=(\\d{1,19}) crc32c=(\\d{1,10})");
    private static final Pattern BLOCK_LINE = Pattern.compile("\\d{1,10}");

    /** What a sidecar holds: a sum and the version it was written in, or why it holds none. */
    sealed interface Parsed permits Known, Unusable {
    }

    /** A sidecar that was read and understood. */
    record Known(int version, ChunkSum sum) implements Parsed {
    }

    /** A sidecar that gives no sum; {@code detail} says why, for a person. */
    record Unusable(Flaw flaw, String detail) implements Parsed {
    }

    /** Why a sidecar gives no sum. */
    enum Flaw {
        /** There is no sidecar (a chunk stored by an older version). */
        ABSENT,
        /** It could not be read (an I/O error, not a regular file). */
        UNREADABLE,
        /** It is larger than any known version writes. */
        TOO_LARGE,
        /** Its bytes are not a sidecar of any version. */
        DAMAGED,
        /** It says it is of a version not known here (written by a newer datanode). */
        UNKNOWN_VERSION
    }

    private Sidecar() {
    }

    /** The sidecar of the chunk file {@code chunk}. */
    static Path of(Path chunk) {
        return chunk.resolveSibling(chunk.getFileName() + SUFFIX);
    }

    /** The chunk id whose sidecar is named {@code name} in the directory {@code prefix}, or null if none is. */
    static String chunkIdOf(String name, String prefix) {
        if (!name.endsWith(SUFFIX)) {
            return null;
        }
        String id = name.substring(0, name.length() - SUFFIX.length());
        return ChunkPaths.isChunkIn(id, prefix) ? id : null;
    }

    /** The bytes of a sidecar for {@code sum}, in the version written (2); the sum must have its block sums. */
    static byte[] format(ChunkSum sum) {
        if (!sum.hasBlocks()) {
            throw new IllegalArgumentException("a sidecar of version 2 needs the block sums");
        }
        long[] blocks = sum.blocks();
        StringBuilder b = new StringBuilder(SUM_LINE_MAX + 10 + blocks.length * 11);
        b.append("version=2\nsize=").append(sum.size()).append(" crc32c=").append(sum.crc32c()).append('\n');
        for (long block : blocks) {
            b.append(block).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads a sidecar's bytes, in whichever version they were written. */
    static Parsed parse(byte[] content) {
        if (content.length > MAX_BYTES) {
            return new Unusable(Flaw.TOO_LARGE, content.length + " bytes, more than any known version writes");
        }
        String text = new String(content, StandardCharsets.US_ASCII);
        if (!text.startsWith(VERSION_KEY)) {
            return parseV1(text);
        }
        Matcher m = VERSION_LINE.matcher(text);
        if (!m.lookingAt()) {
            return damaged("a damaged version line");
        }
        int version = Integer.parseInt(m.group(1));
        if (version < 2) {
            return damaged("version " + version + " has no version line");
        }
        if (version == 2) {
            return parseV2(text.substring(m.end()));
        }
        // A later version is read here, from text.substring(m.end()).
        return new Unusable(Flaw.UNKNOWN_VERSION, "version " + version + " of the sidecar format, unknown to this datanode");
    }

    private static Parsed parseV1(String text) {
        Matcher m = V1_LINE.matcher(text);
        if (!m.matches()) {
            return damaged("not a line \"size=N crc32c=N\"");
        }
        ChunkSum sum = sumOf(m);
        return sum == null ? damaged("a number out of range") : new Known(1, sum);
    }

    /** The size and CRC32C a matched sum line holds, or null when one is out of range. */
    private static ChunkSum sumOf(Matcher m) {
        long size;
        long crc;
        try {
            size = Long.parseLong(m.group(1));
            crc = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            return null;
        }
        return size > Limits.MAX_CHUNK || crc > 0xFFFF_FFFFL ? null : new ChunkSum(size, crc);
    }

    /** Version 2 after its version line: the sum line, then one line per block, each ending with a newline. */
    private static Parsed parseV2(String body) {
        if (!body.endsWith("\n")) {
            return damaged("version 2 without its final newline");
        }
        String[] lines = body.split("\n", -1); // the last is the empty string after the final newline
        Matcher m = SUM_LINE.matcher(lines[0]);
        if (!m.matches()) {
            return damaged("version 2 without a line \"size=N crc32c=N\"");
        }
        ChunkSum whole = sumOf(m);
        if (whole == null) {
            return damaged("a number out of range");
        }
        long size = whole.size();
        long crc = whole.crc32c();
        int count = BlockSums.count(size);
        if (lines.length - 2 != count) {
            return damaged("version 2 with " + (lines.length - 2) + " block sums, " + count + " expected for "
                    + size + " bytes");
        }
        long[] blocks = new long[count];
        for (int i = 0; i < count; i++) {
            String line = lines[i + 1];
            long v = BLOCK_LINE.matcher(line).matches() ? Long.parseLong(line) : -1;
            if (v < 0 || v > 0xFFFF_FFFFL) {
                return damaged("block sum " + i + " is not a CRC32C");
            }
            blocks[i] = v;
        }
        if (count == 1 && blocks[0] != crc) {
            return damaged("the one block's sum is not the chunk's");
        }
        return new Known(2, new ChunkSum(size, crc, blocks));
    }

    private static Unusable damaged(String why) {
        return new Unusable(Flaw.DAMAGED, "no checksum in it: " + why);
    }

    /** Writes a sidecar for {@code sum} to the new file {@code file} (in tmp/), synced if {@code durable}. */
    static void write(Path file, ChunkSum sum, boolean durable) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(format(sum));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (durable) {
                ch.force(false); // fdatasync: the bytes, and the size that reads them back
            }
        }
    }

    /** Reads and parses the sidecar {@code file}; a sidecar there but unusable is logged. */
    static Parsed read(Path file) {
        Parsed p = readQuietly(file);
        if (p instanceof Unusable u && u.flaw() != Flaw.ABSENT) {
            LOG.warn("the checksum sidecar {} is not used ({}); the chunk is not checked", file, u.detail());
        }
        return p;
    }

    /**
     * Replaces the sidecar {@code file} with one for {@code sum} so that a crash leaves the old one or
     * the new one (written in {@code tmpDir}, synced, renamed over it, its directory synced).
     */
    static void replace(Path file, ChunkSum sum, Path tmpDir) throws IOException {
        Fsync.writeAtomically(file, format(sum), tmpDir);
    }

    /** The sum the sidecar {@code file} holds, or null when there is none or it cannot be used. */
    static ChunkSum sumIn(Path file) {
        return read(file) instanceof Known k ? k.sum() : null;
    }

    private static Parsed readQuietly(Path file) {
        try {
            if (!Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
                return new Unusable(Flaw.UNREADABLE, "not a regular file");
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                long size = ch.size();
                if (size > MAX_BYTES) {
                    return new Unusable(Flaw.TOO_LARGE, size + " bytes, more than any known version writes");
                }
                ByteBuffer buf = ByteBuffer.allocate((int) size);
                while (buf.hasRemaining() && ch.read(buf) >= 0) {
                    // read it all
                }
                return parse(buf.array());
            }
        } catch (NoSuchFileException e) {
            return new Unusable(Flaw.ABSENT, "no checksum recorded");
        } catch (IOException e) {
            return new Unusable(Flaw.UNREADABLE, "cannot read it: " + e);
        }
    }
}
