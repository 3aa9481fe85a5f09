package io.cairn.cli.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Many small files, one system call sequence at a time: create (open, write 4 KiB, close), stat,
 * read after the kernel's caches are dropped, rename, unlink; and mkdir of many directories.
 * Each figure is operations a second.
 */
final class SmallFiles {
    static final String DIR = "small";
    static final String DIRS = "dirs";

    private SmallFiles() {
    }

    private static Path file(StepRun run, int i) {
        return run.path(DIR, String.format("f%07d", i));
    }

    private static Path renamed(StepRun run, int i) {
        return run.path(DIR, String.format("r%07d", i));
    }

    static double create(StepRun run) throws IOException {
        int n = run.settings.files();
        ByteBuffer data = SequentialIo.randomBlock(Settings.SMALL_FILE);
        Files.createDirectory(run.path(DIR));
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            run.check();
            try (FileChannel ch = FileChannel.open(file(run, i), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = data.duplicate();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
        return n / StepRun.secondsSince(t0);
    }

    static double stat(StepRun run) throws IOException {
        int n = run.settings.files();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            run.check();
            BasicFileAttributes a = Files.readAttributes(file(run, i), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.size() != Settings.SMALL_FILE) {
                throw new IOException(file(run, i) + " has " + a.size() + " bytes, not " + Settings.SMALL_FILE);
            }
        }
        return n / StepRun.secondsSince(t0);
    }

    static double read(StepRun run) throws IOException {
        int n = run.settings.files();
        ByteBuffer buf = ByteBuffer.allocateDirect(Settings.SMALL_FILE + 1);
        run.dropCaches();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            run.check();
            long got = 0;
            try (FileChannel ch = FileChannel.open(file(run, i), StandardOpenOption.READ)) {
                int r;
                while ((r = ch.read(buf.clear())) >= 0) {
                    got += r;
                }
            }
            if (got != Settings.SMALL_FILE) {
                throw new IOException("read " + got + " bytes of " + file(run, i));
            }
        }
        return n / StepRun.secondsSince(t0);
    }

    static double rename(StepRun run) throws IOException {
        int n = run.settings.files();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            run.check();
            Files.move(file(run, i), renamed(run, i)); // rename(2) within the directory
        }
        return n / StepRun.secondsSince(t0);
    }

    static double unlink(StepRun run) throws IOException {
        int n = run.settings.files();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            run.check();
            Files.delete(renamed(run, i));
        }
        double rate = n / StepRun.secondsSince(t0);
        Files.delete(run.path(DIR));
        return rate;
    }

    static double mkdir(StepRun run) throws IOException {
        int n = run.settings.dirs();
        Files.createDirectory(run.path(DIRS));
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            run.check();
            Files.createDirectory(run.path(DIRS, "d" + i));
        }
        double rate = n / StepRun.secondsSince(t0);
        for (int i = 0; i < n; i++) { // not measured
            run.check();
            Files.delete(run.path(DIRS, "d" + i));
        }
        Files.delete(run.path(DIRS));
        return rate;
    }
}
