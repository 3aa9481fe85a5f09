package io.cairn.it.mount;

import io.cairn.it.Data;
import io.cairn.it.Proc;
import io.cairn.it.ProcessCluster;
import io.cairn.it.Strace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durability by tier, seen in the master's own system calls (strace on the master process): an
 * ordinary change is committed to the write-ahead log without a sync of it (the crash of a process
 * keeps it), while an fsync through the mount, an fsync of a directory and a finished {@code cairn put}
 * each make the master sync its log (then a power cut keeps everything committed before). A barrier
 * that did nothing, or one that left later commits syncing each, fails this test.
 */
@Timeout(300)
class MasterWalSyncIT {
    private static final int DIRS = 100;
    @TempDir
    Path tmp;

    /** The master's syncs of its write-ahead log among {@code calls}. */
    private static long walSyncs(List<String> calls) {
        Pattern wal = Pattern.compile("(fsync|fdatasync)\\(\\d+<[^>]*meta\\.db-wal>");
        return calls.stream().filter(l -> wal.matcher(l).find()).count();
    }

    @Test
    void anFsyncOrAFinishedPutSyncsTheMastersLogAndOrdinaryChangesDoNot() throws Exception {
        Mounted.assumeFuse();
        Strace.assume();
        Path src = Data.randomFile(tmp.resolve("src.bin"), 200_000, 7);
        try (ProcessCluster c = new ProcessCluster(tmp.resolve("cluster"), null, 3);
             Mounted m = Mounted.at(tmp.resolve("mnt"), c.masterUrl()).start()) {
            long master = c.master().pid();

            long onFsync;
            try (Strace s = Strace.attach(tmp.resolve("fsync.trace"), "fsync,fdatasync", master)) {
                m.ok("python3 -c 'import os; fd = os.open(\"f\", os.O_WRONLY | os.O_CREAT, 0o644);"
                        + " os.write(fd, b\"x\" * 4096); os.fsync(fd); os.close(fd)'");
                onFsync = walSyncs(s.stop());
            }

            long onMkdirs;
            try (Strace s = Strace.attach(tmp.resolve("mkdir.trace"), "fsync,fdatasync", master)) {
                m.ok("for i in $(seq 1 " + DIRS + "); do mkdir d$i; done");
                onMkdirs = walSyncs(s.stop());
            }

            long onDirFsync;
            try (Strace s = Strace.attach(tmp.resolve("fsyncdir.trace"), "fsync,fdatasync", master)) {
                m.ok("mv d1 e1 && python3 -c 'import os; fd = os.open(\".\", os.O_RDONLY); os.fsync(fd); os.close(fd)'");
                onDirFsync = walSyncs(s.stop());
            }

            long onPut;
            try (Strace s = Strace.attach(tmp.resolve("put.trace"), "fsync,fdatasync", master)) {
                Proc.Result put = c.cli(Duration.ofSeconds(60), "put", src.toString(), "/put.bin");
                assertThat(put.exit()).as(put.stderr()).isZero();
                onPut = walSyncs(s.stop());
            }
            System.out.printf("master log syncs: fsync of a file %d, %d mkdirs %d, fsync of a directory %d, put %d%n",
                    onFsync, DIRS, onMkdirs, onDirFsync, onPut);
            assertThat(onFsync).as("an fsync through the mount syncs the master's log").isGreaterThanOrEqualTo(1);
            assertThat(onDirFsync).as("an fsync of a directory syncs the master's log").isGreaterThanOrEqualTo(1);
            assertThat(onPut).as("a finished put syncs the master's log").isGreaterThanOrEqualTo(1);
            // a checkpoint of the log now and then syncs it too, but far from once per change
            assertThat(onMkdirs).as("ordinary mkdirs do not each sync the master's log").isLessThan(DIRS / 10);
            m.ok("test -d d" + DIRS + " && test -d e1 && test -s f");
        }
    }
}
