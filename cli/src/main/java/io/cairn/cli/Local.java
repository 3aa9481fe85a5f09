package io.cairn.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;

/**
 * Local files and the standard streams, whose I/O errors belong to this machine (a full disk, a
 * closed pipe), not to the cluster: every error of a stream made here comes out as a
 * {@link Failure} naming the file, which {@link Failures} reports as the operation failing (exit 1)
 * rather than as a master that cannot be reached.
 */
final class Local {
    /** Standard output as bytes: set by {@link Main#main} to the process's own descriptor. */
    private static volatile OutputStream stdout;

    private Local() {
    }

    /** An I/O error of something on this machine, with what it was ("/tmp/x", "standard output"). */
    static final class Failure extends IOException {
        private static final long serialVersionUID = 1L;

        Failure(String what, IOException cause) {
            super(what + ": " + reason(cause), cause);
        }

        Failure(String what, String reason) {
            super(what + ": " + reason);
        }

        private static String reason(IOException e) {
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
    }

    /** Writes of this process go straight to file descriptor 1, so that their errors are seen (a PrintStream hides them). */
    static void useProcessStdout() {
        stdout = new FileOutputStream(FileDescriptor.out);
    }

    /** Standard output for bytes; its errors are {@link Failure}s. */
    static OutputStream stdout() {
        OutputStream raw = stdout;
        if (raw != null) {
            return output("standard output", raw);
        }
        PrintStream ps = System.out; // run in-process (tests): the PrintStream only says that something failed
        return new FilterOutputStream(ps) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ps.write(b, off, len);
                check();
            }

            @Override
            public void flush() throws IOException {
                ps.flush();
                check();
            }

            private void check() throws Failure {
                if (ps.checkError()) {
                    throw new Failure("standard output", "write error");
                }
            }
        };
    }

    /** {@code out}, whose every error becomes a {@link Failure} of {@code what}. */
    static OutputStream output(String what, OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                local(what, () -> out.write(b));
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                local(what, () -> out.write(b, off, len));
            }

            @Override
            public void flush() throws IOException {
                local(what, out::flush);
            }

            @Override
            public void close() throws IOException {
                local(what, out::close);
            }
        };
    }

    /** {@code in}, whose every error becomes a {@link Failure} of {@code what}. */
    static InputStream input(String what, InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int[] r = new int[1];
                local(what, () -> r[0] = in.read());
                return r[0];
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int[] r = new int[1];
                local(what, () -> r[0] = in.read(b, off, len));
                return r[0];
            }
        };
    }

    /** {@code ch.force(true)}: the file's bytes on this machine's disk, or a {@link Failure}. */
    static void force(String what, FileChannel ch) throws IOException {
        local(what, () -> ch.force(true));
    }

    private interface LocalIo {
        void run() throws IOException;
    }

    private static void local(String what, LocalIo io) throws IOException {
        try {
            io.run();
        } catch (Failure f) {
            throw f;
        } catch (IOException e) {
            throw new Failure(what, e);
        }
    }
}
