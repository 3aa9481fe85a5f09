package io.cairn.cli.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** One large file written in 1 MiB writes and fsynced, then read back after the kernel's caches are dropped. */
final class SequentialIo {
    static final int BLOCK = 1 << 20;
    static final String FILE = "big";

    private SequentialIo() {
    }

    /** MB/s (10^6 bytes a second) of writing the file and fsyncing it, the fsync and close included. */
    static double write(StepRun run) throws IOException {
        long size = run.settings.size();
        ByteBuffer buf = randomBlock(BLOCK);
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(run.path(FILE), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long done = 0; done < size; ) {
                run.check();
                buf.clear().limit((int) Math.min(BLOCK, size - done));
                while (buf.hasRemaining()) {
                    done += ch.write(buf);
                }
            }
            ch.force(true);
        }
        return size / 1e6 / StepRun.secondsSince(t0);
    }

    /** MB/s of reading the whole file in 1 MiB reads, from cold caches; the file is removed after. */
    static double read(StepRun run) throws IOException {
        Path f = run.path(FILE);
        long size = run.settings.size();
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
        run.dropCaches();
        long t0 = System.nanoTime();
        long got = 0;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            int n;
            while ((n = ch.read(buf.clear())) >= 0) {
                got += n;
                run.check();
            }
        }
        double mbps = got / 1e6 / StepRun.secondsSince(t0);
        if (got != size) {
            throw new IOException("read " + got + " bytes of a file of " + size);
        }
        Files.delete(f);
        return mbps;
    }

    /** A direct buffer of random bytes (nothing a file system could compress or skip). */
    static ByteBuffer randomBlock(int size) {
        byte[] b = new byte[size];
        ThreadLocalRandom.current().nextBytes(b);
        return ByteBuffer.allocateDirect(size).put(b).flip();
    }
}
