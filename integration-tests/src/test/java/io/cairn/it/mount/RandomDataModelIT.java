package io.cairn.it.mount;

import com.sun.nio.file.ExtendedOpenOption;
import io.cairn.it.MiniCluster;
import io.cairn.testing.Budget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bytes of one file in the mount against a local file, under random sequences of what programs
 * do to data: writes at random offsets and sizes (one byte to several blocks, across chunk ends and
 * past the end of the file), reads through the page cache and O_DIRECT reads (the mount's ranged,
 * per-block path), truncates that shrink and grow, writes through a shared mmap, fsyncs, and
 * closing and opening again. After every step the range it touched is compared, the whole file every
 * {@value #WHOLE_EVERY} steps, and at the end again through a fresh mount. The cluster has 256 KiB
 * chunks, so a file of a few MiB spans many. The seed is printed; {@code -Dcairn.seed=N} runs one
 * again; {@code bin/test --long} runs 200,000 steps instead of 20,000.
 */
@Timeout(1500)
class RandomDataModelIT {
    private static final int CHUNK = 256 << 10;
    private static final int MAX_SIZE = 12 * CHUNK + 1000;
    private static final int WHOLE_EVERY = 500;
    private static final int BLOCK = 4096;
    @TempDir
    Path tmp;

    private java.io.RandomAccessFile mntRaf;
    private java.io.RandomAccessFile localRaf;
    private FileChannel mnt;
    private FileChannel local;
    private Mapper mapper;
    private Path mntFile;
    private Path localFile;
    private long size;

    @Test
    void aFileInTheMountHoldsWhatALocalFileHoldsUnderRandomWritesReadsTruncatesAndMaps() throws Exception {
        Mounted.assumeFuse();
        int steps = Budget.of(20_000, 200_000);
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("RandomDataModelIT: seed " + seed + " (-Dcairn.seed=" + seed + " runs it again), " + steps
                + " steps");
        Random r = new Random(seed);
        int[] counts = new int[8];
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).replication(2).chunkSize(CHUNK).start()) {
            try (Mounted m = Mounted.at(tmp.resolve("mnt"), mc.masterUrl()).start()) {
                mntFile = m.dir.resolve("model");
                localFile = tmp.resolve("model.local");
                open();
                mapper = new Mapper(mntFile);
                long t0 = System.nanoTime();
                String what = "nothing yet";
                try {
                    for (int step = 1; step <= steps; step++) {
                        int kind = pick(r);
                        counts[kind]++;
                        what = "step " + step + " (kind " + kind + ")";
                        what = step(r, kind) + " at step " + step;
                        if (step % WHOLE_EVERY == 0) {
                            compareWhole("after " + what + ", seed " + seed);
                        }
                    }
                    compareWhole("at the end, seed " + seed);
                    mapper.close();
                } catch (Throwable e) {
                    mapper.kill();
                    List<String> log = m.stderr().lines().toList();
                    System.out.println("RandomDataModelIT: failed in " + what + " (seed " + seed + "); the mount's log, "
                            + "to its last 60 lines:\n" + String.join("\n", log.subList(Math.max(0, log.size() - 60), log.size())));
                    throw e;
                }
                close();
                System.out.printf("RandomDataModelIT: %d steps in %.1f s (writes %d, reads %d, direct reads %d, "
                                + "truncates %d, mmap writes %d, fsyncs %d, reopens %d, whole-file reads %d); size at the end %d%n",
                        steps, (System.nanoTime() - t0) / 1e9, counts[0], counts[1], counts[2], counts[3], counts[4],
                        counts[5], counts[6], steps / WHOLE_EVERY, size);
            }
            try (Mounted fresh = Mounted.at(tmp.resolve("mnt2"), mc.masterUrl()).start()) {
                mntFile = fresh.dir.resolve("model");
                open();
                compareWhole("through a fresh mount, seed " + seed);
                close();
            }
        }
    }

    /** Writes and reads most often; truncates, maps, fsyncs and reopens now and then. */
    private static int pick(Random r) {
        int p = r.nextInt(100);
        if (p < 40) {
            return 0; // write
        } else if (p < 65) {
            return 1; // read
        } else if (p < 85) {
            return 2; // O_DIRECT read
        } else if (p < 90) {
            return 3; // truncate
        } else if (p < 94) {
            return 4; // mmap write
        } else if (p < 97) {
            return 5; // fsync
        }
        return 6; // close and open again
    }

    private String step(Random r, int kind) throws IOException {
        switch (kind) {
            case 0 -> {
                long off = offset(r);
                byte[] b = bytes(r, length(r));
                write(mnt, off, b);
                write(local, off, b);
                size = Math.max(size, off + b.length);
                compare(off, b.length, "write of " + b.length + " at " + off);
                return "write " + b.length + " at " + off;
            }
            case 1 -> {
                long off = offset(r);
                int len = length(r);
                compare(off, len, "read of " + len + " at " + off);
                return "read " + len + " at " + off;
            }
            case 2 -> {
                long off = (offset(r) / BLOCK) * BLOCK;
                int len = Math.max(1, length(r) / BLOCK) * BLOCK;
                byte[] want = read(local, off, len);
                byte[] got = readDirect(off, len);
                assertThat(got).as("O_DIRECT read of " + len + " at " + off + " (size " + size + ")").isEqualTo(want);
                return "direct read " + len + " at " + off;
            }
            case 3 -> {
                long to = r.nextInt(4) == 0 ? 0 : (long) r.nextInt(MAX_SIZE);
                mntRaf.setLength(to); // ftruncate: shrinks or grows
                localRaf.setLength(to);
                long before = size;
                size = to;
                compare(Math.max(0, Math.min(before, to) - 5000), 10_000 + (int) Math.abs(to - before) % 200_000,
                        "truncate from " + before + " to " + to);
                return "truncate to " + to;
            }
            case 4 -> {
                if (size == 0) {
                    return "no mmap (empty)";
                }
                long off = r.nextLong(size);
                int len = (int) Math.min(length(r), size - off);
                byte[] b = bytes(r, len);
                mapper.write(off, b); // in another process: see Mapper
                mapWrite(local, off, b);
                compare(off, len, "mmap write of " + len + " at " + off);
                return "mmap write " + len + " at " + off;
            }
            case 5 -> {
                mnt.force(true);
                return "fsync";
            }
            default -> {
                close();
                open();
                assertThat(mnt.size()).as("size after reopening").isEqualTo(size);
                return "reopen";
            }
        }
    }

    /** Mostly inside the file, sometimes at or past its end (a hole), near chunk and block ends often. */
    private long offset(Random r) {
        int p = r.nextInt(10);
        if (p < 3) {
            long edge = (long) (1 + r.nextInt(MAX_SIZE / CHUNK)) * CHUNK;
            return Math.max(0, edge - r.nextInt(2 * BLOCK));
        }
        if (p < 4) {
            return size + r.nextInt(3 * BLOCK);
        }
        return r.nextInt(Math.max(1, (int) Math.min(MAX_SIZE, size + 1)));
    }

    private static int length(Random r) {
        int p = r.nextInt(10);
        if (p < 4) {
            return 1 + r.nextInt(64);
        } else if (p < 8) {
            return 1 + r.nextInt(16 * BLOCK);
        }
        return 1 + r.nextInt(CHUNK + 70_000);
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private void open() throws IOException {
        mntRaf = new java.io.RandomAccessFile(mntFile.toFile(), "rw");
        localRaf = new java.io.RandomAccessFile(localFile.toFile(), "rw");
        mnt = mntRaf.getChannel();
        local = localRaf.getChannel();
    }

    private void close() throws IOException {
        mntRaf.close();
        localRaf.close();
    }

    private static void write(FileChannel ch, long off, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            ch.write(buf, off + buf.position());
        }
    }

    private static byte[] read(FileChannel ch, long off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        while (buf.hasRemaining()) {
            if (ch.read(buf, off + buf.position()) < 0) {
                break;
            }
        }
        return Arrays.copyOf(buf.array(), buf.position());
    }

    /**
     * Writes through a shared mmap of the file in the mount, made by a python3 process. Not from this
     * JVM: the cluster runs in it, and a page fault on a mapped page of the mount (in compiled Java
     * code, so the thread never reaches a safepoint) would stop the whole JVM, datanodes included,
     * at the next safepoint while the mount waits on them for the page's bytes.
     */
    private static final class Mapper implements AutoCloseable {
        private static final String SCRIPT = String.join("\n",
                "import mmap, os, sys",
                "fd = os.open(sys.argv[1], os.O_RDWR)",
                "for line in sys.stdin:",
                "    off, data = line.split()",
                "    off = int(off); b = bytes.fromhex(data)",
                "    start = off - off % mmap.ALLOCATIONGRANULARITY",
                "    m = mmap.mmap(fd, off - start + len(b), mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=start)",
                "    m[off - start:off - start + len(b)] = b",
                "    m.flush(); m.close()",
                "    print('ok', flush=True)");
        private final Process process;
        private final java.io.Writer in;
        private final java.io.BufferedReader out;

        Mapper(Path file) throws IOException {
            process = new ProcessBuilder("/usr/bin/python3", "-c", SCRIPT, file.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new java.io.OutputStreamWriter(process.getOutputStream(), java.nio.charset.StandardCharsets.US_ASCII);
            out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
        }

        /** {@code b} at {@code off} through a shared mapping, then msync; returns once that is done. */
        void write(long off, byte[] b) throws IOException {
            in.write(off + " " + java.util.HexFormat.of().formatHex(b) + "\n");
            in.flush();
            String answer = out.readLine();
            if (!"ok".equals(answer)) {
                throw new AssertionError("mmap write of " + b.length + " at " + off + " in the mount failed: " + answer
                        + " (the python3 process's error is above)");
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }

        void kill() {
            process.destroyForcibly();
        }
    }

    private static void mapWrite(FileChannel ch, long off, byte[] b) throws IOException {
        MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, off, b.length);
        map.put(b);
        map.force(); // msync: what a program that wants the bytes in the file does
    }

    /** The mount's bytes with O_DIRECT into an aligned buffer (the ranged read path). */
    private byte[] readDirect(long off, int len) throws IOException {
        try (FileChannel ch = FileChannel.open(mntFile, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(len + BLOCK).alignedSlice(BLOCK);
            buf.limit(len);
            while (buf.hasRemaining()) {
                if (ch.read(buf, off + buf.position()) <= 0 || buf.position() % BLOCK != 0) {
                    break; // the end of the file (a direct read goes on only from a block's start)
                }
            }
            buf.flip();
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        }
    }

    private void compare(long off, int len, String what) throws IOException {
        byte[] want = read(local, off, len);
        byte[] got = read(mnt, off, len);
        if (!Arrays.equals(want, got)) {
            throw new AssertionError(what + ": bytes " + off + ".." + (off + len) + " differ (local " + want.length
                    + " bytes, mount " + got.length + ", first difference at " + (off + Arrays.mismatch(want, got))
                    + "; size " + size + ")");
        }
    }

    private void compareWhole(String what) throws IOException {
        assertThat(mnt.size()).as("size " + what).isEqualTo(local.size());
        for (long off = 0; off < size; off += CHUNK) {
            compare(off, CHUNK, "whole file " + what);
        }
    }
}
