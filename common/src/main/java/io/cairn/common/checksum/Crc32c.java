package io.cairn.common.checksum;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.zip.CRC32C;

/**
 * The CRC32C (Castagnoli) of chunk bytes, as an unsigned 32-bit value in a {@code long}: the value
 * a writer sends with a chunk, a datanode checks and keeps in its sidecar, and a reader checks
 * again. One instance sums bytes given piece by piece ({@link #update}); the static methods sum a
 * byte range, or a stream or channel read in blocks of {@link #BLOCK} bytes.
 */
public final class Crc32c {
    /** Bytes read at a time from a stream or channel. */
    public static final int BLOCK = 64 * 1024;

    /** Told how many bytes were just read, before the next block is; may sleep to keep a rate. */
    @FunctionalInterface
    public interface Pacer {
        /** Does not wait. */
        Pacer NONE = bytes -> { };

        void read(long bytes) throws InterruptedException;
    }

    /** What reading a channel to its end found: how many bytes, and their CRC32C. */
    public record Read(long bytes, long crc32c) {
    }

    private final CRC32C crc = new CRC32C();

    /** Adds {@code b[off..off+len)}. */
    public Crc32c update(byte[] b, int off, int len) {
        crc.update(b, off, len);
        return this;
    }

    /** Adds the buffer's remaining bytes, consuming them. */
    public Crc32c update(ByteBuffer b) {
        crc.update(b);
        return this;
    }

    /** The CRC32C of everything added so far. */
    public long value() {
        return crc.getValue();
    }

    /** The CRC32C of {@code b[off..off+len)}. */
    public static long of(byte[] b, int off, int len) {
        return new Crc32c().update(b, off, len).value();
    }

    /** The CRC32C of all of {@code b}. */
    public static long of(byte[] b) {
        return of(b, 0, b.length);
    }

    /** The CRC32C of what {@code in} yields up to its end (the stream is not closed). */
    public static long of(InputStream in) throws IOException {
        Crc32c c = new Crc32c();
        byte[] buf = new byte[BLOCK];
        int r;
        while ((r = in.read(buf)) >= 0) {
            c.update(buf, 0, r);
        }
        return c.value();
    }

    /**
     * Reads {@code ch} to its end, or until more than {@code stopAfter} bytes were read (a file that
     * is longer than it should be need not be read whole), and sums what was read. {@code pacer} is
     * told of every block read, before the next one is read.
     *
     * @throws InterruptedException when the pacer is interrupted
     */
    public static Read of(ReadableByteChannel ch, long stopAfter, Pacer pacer) throws IOException, InterruptedException {
        Crc32c c = new Crc32c();
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        long n = 0;
        while (n <= stopAfter) {
            int r = ch.read(buf.clear());
            if (r < 0) {
                break;
            }
            n += r;
            c.update(buf.flip());
            pacer.read(r);
        }
        return new Read(n, c.value());
    }
}
