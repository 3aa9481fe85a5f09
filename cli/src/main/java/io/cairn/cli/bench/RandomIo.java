package io.cairn.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random 4 KiB reads, then writes, one at a time (queue depth 1) on a file larger than the caches
 * in front of it, for {@code --random-time} each: with fio when it is installed, else a loop of
 * positional reads and writes here; both with O_DIRECT when the directory takes it (so the
 * kernel's page cache does not answer), else buffered. The note says which. Each figure is
 * operations a second.
 */
final class RandomIo {
    static final String FILE = "random";

    private RandomIo() {
    }

    /** Lays the file out (not measured), drops the kernel's caches, then reads at random. */
    static double read(StepRun run) throws Exception {
        Path f = run.path(FILE);
        layOut(run, f);
        run.dropCaches();
        return measure(run, f, false);
    }

    /** Writes at random into the file the read step laid out; removes it after. */
    static double write(StepRun run) throws Exception {
        Path f = run.path(FILE);
        double iops = measure(run, f, true);
        Files.delete(f);
        return iops;
    }

    private static double measure(StepRun run, Path f, boolean write) throws Exception {
        boolean direct = opensDirect(f);
        if (Commands.has("fio")) {
            run.note("fio, psync, " + (direct ? "O_DIRECT" : "buffered (O_DIRECT refused here)"));
            return fio(run, f, write, direct);
        }
        long block = Files.getFileStore(f).getBlockSize();
        boolean aligned = block <= Settings.RANDOM_BLOCK; // Java's O_DIRECT wants I/O aligned to the file system's block
        run.note("positional I/O from Java (fio is not installed), " + (!direct ? "buffered (O_DIRECT refused here)"
                : aligned ? "O_DIRECT" : "buffered (Java's O_DIRECT needs " + block + "-byte blocks)"));
        return loop(run, f, write, direct && aligned);
    }

    private static void layOut(StepRun run, Path f) throws IOException {
        long size = run.settings.randomSize();
        ByteBuffer buf = SequentialIo.randomBlock(SequentialIo.BLOCK);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long done = 0; done < size; ) {
                run.check();
                buf.clear().limit((int) Math.min(buf.capacity(), size - done));
                while (buf.hasRemaining()) {
                    done += ch.write(buf);
                }
            }
            ch.force(true);
        }
    }

    private static double fio(StepRun run, Path f, boolean write, boolean direct) throws Exception {
        long ms = run.settings.randomTime().toMillis();
        List<String> cmd = new ArrayList<>(List.of("fio", "--name=cairn-bench", "--filename=" + f,
                "--rw=" + (write ? "randwrite" : "randread"), "--bs=" + Settings.RANDOM_BLOCK,
                "--size=" + run.settings.randomSize(), "--ioengine=psync", "--iodepth=1",
                "--direct=" + (direct ? 1 : 0), "--time_based", "--runtime=" + Math.max(1, ms) + "ms",
                "--norandommap", "--randrepeat=0", "--output-format=json"));
        String out = run.exec(run.target.scratch(), Map.of(), cmd);
        int brace = out.indexOf('{'); // fio may print a notice before its JSON
        if (brace < 0) {
            throw new IOException("fio printed no JSON: " + out.strip());
        }
        JsonNode job = Json.mapper().readTree(out.substring(brace)).path("jobs").path(0);
        if (job.path("error").asInt(0) != 0) {
            throw new IOException("fio failed with error " + job.path("error").asInt());
        }
        double iops = job.path(write ? "write" : "read").path("iops").asDouble(0);
        if (!(iops > 0)) {
            throw new IOException("fio did not report the " + (write ? "write" : "read") + " rate: " + job);
        }
        return iops;
    }

    private static double loop(StepRun run, Path f, boolean write, boolean direct) throws IOException {
        long blocks = run.settings.randomSize() / Settings.RANDOM_BLOCK;
        ByteBuffer buf = ByteBuffer.allocateDirect(2 * Settings.RANDOM_BLOCK).alignedSlice(Settings.RANDOM_BLOCK)
                .limit(Settings.RANDOM_BLOCK);
        if (write) {
            byte[] b = new byte[Settings.RANDOM_BLOCK];
            ThreadLocalRandom.current().nextBytes(b);
            buf.put(b).flip();
        }
        long end = System.nanoTime() + run.settings.randomTime().toNanos();
        long ops = 0;
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(f, options(write, direct))) {
            while (System.nanoTime() - end < 0) {
                run.check();
                long pos = ThreadLocalRandom.current().nextLong(blocks) * Settings.RANDOM_BLOCK;
                buf.clear();
                int n = write ? ch.write(buf, pos) : ch.read(buf, pos);
                if (n <= 0) {
                    throw new IOException((write ? "wrote " : "read ") + n + " bytes at " + pos);
                }
                ops++;
            }
        }
        return ops / StepRun.secondsSince(t0);
    }

    /** Whether the file opens with O_DIRECT here (FUSE file systems may refuse it). */
    private static boolean opensDirect(Path f) {
        try (FileChannel ch = FileChannel.open(f, options(false, true))) {
            return ch.isOpen();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static OpenOption[] options(boolean write, boolean direct) {
        List<OpenOption> o = new ArrayList<>(List.of(write ? StandardOpenOption.WRITE : StandardOpenOption.READ));
        if (direct) {
            o.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
        }
        return o.toArray(OpenOption[]::new);
    }
}
