package io.cairn.datanode.store;

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
 * it. Every version of the format this datanode knows is parsed here, and only here.
 * <ul>
 *   <li>Version 1, the one written: the single ASCII line {@code size=N crc32c=N} (decimal, with
 *       or without a final newline). It has no version line and stays readable forever.</li>
 *   <li>Every later version begins with the line {@code version=N} (N &ge; 2); what follows is that
 *       version's own. A version not known here is reported as such ({@link Flaw#UNKNOWN_VERSION})
 *       and its chunk is not checked: a sidecar written by a newer datanode never makes a chunk bad.</li>
 * </ul>
 * A new version is added in {@link #parse} (and {@link #MAX_BYTES} raised if it needs more room).
 */
final class Sidecar {
    /** The name of a chunk's sidecar is the chunk's id and this. */
    static final String SUFFIX = ".crc";
    /** The largest sidecar of any version known here; a larger file is not read. */
    static final int MAX_BYTES = 64;
    private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);
    private static final String VERSION_KEY = "version=";
    private static final Pattern VERSION_LINE = Pattern.compile("version=(\\d{1,9})\n");
    private static final Pattern V1_LINE = Pattern.compile("size=(\\d{1,19}) crc32c=(\\d{1,10})\n?");

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

    /** The bytes of a sidecar for {@code sum}, in the version written (1). */
    static byte[] format(ChunkSum sum) {
        return ("size=" + sum.size() + " crc32c=" + sum.crc32c() + "\n").getBytes(StandardCharsets.US_ASCII);
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
        // A later version is read here, from text.substring(m.end()).
        return new Unusable(Flaw.UNKNOWN_VERSION, "version " + version + " of the sidecar format, unknown to this datanode");
    }

    private static Parsed parseV1(String text) {
        Matcher m = V1_LINE.matcher(text);
        if (!m.matches()) {
            return damaged("not a line \"size=N crc32c=N\"");
        }
        long size;
        long crc;
        try {
            size = Long.parseLong(m.group(1));
            crc = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            return damaged("a number out of range");
        }
        if (size > Limits.MAX_CHUNK || crc > 0xFFFF_FFFFL) {
            return damaged("a number out of range");
        }
        return new Known(1, new ChunkSum(size, crc));
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
