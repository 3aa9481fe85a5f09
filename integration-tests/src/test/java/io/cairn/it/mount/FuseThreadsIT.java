package io.cairn.it.mount;

import io.cairn.it.MiniCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FUSE calls arrive on threads the mount's JVM started and keeps, not on libfuse's native threads
 * (which the JVM would attach and detach, one JVM thread started per call). Counted with the JVM's
 * own counter of threads started ({@code java.threads.started}, which counts attached native
 * threads too) around a few hundred FUSE calls: creates, writes, closes, stats, reads.
 */
@Timeout(300)
class FuseThreadsIT {
    private static final int FILES = 60;
    @TempDir
    Path tmp;
    private MiniCluster cluster;
    private Mounted mnt;

    @AfterEach
    void tearDown() throws Exception {
        if (mnt != null) {
            mnt.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void hundredsOfFuseCallsStartOnlyAFewThreadsInTheMount() throws Exception {
        Mounted.assumeFuse();
        cluster = MiniCluster.builder().datanodes(2).start();
        mnt = Mounted.at(tmp.resolve("mnt"), cluster.masterUrl()).start();
        mnt.ok("mkdir d && echo warm > d/w && cat d/w"); // the pools' first threads, the first connections
        long before = threadsStarted(mnt.pid());
        mnt.ok("for i in $(seq 1 " + FILES + "); do head -c 4096 /dev/zero > d/f$i; done; "
                + "for i in $(seq 1 " + FILES + "); do stat d/f$i > /dev/null; cat d/f$i > /dev/null; done; "
                + "ls -l d | wc -l");
        long started = threadsStarted(mnt.pid()) - before;
        System.out.printf("FUSE threads: %d JVM threads started in the mount for %d files created, stated and read%n",
                started, FILES);
        // each file is at least a lookup, create, write, flush, release, getattr, open, read, release:
        // about 600 calls in all, which on libfuse's own threads started about as many JVM threads
        assertThat(started).as("JVM threads started in the mount during %d file round trips", FILES)
                .isLessThan(FILES / 2);
        assertThat(mnt.ok("cat d/f" + FILES + " | wc -c").out().trim()).isEqualTo("4096");
    }

    /** The JVM's count of threads started since it began, through jcmd. */
    private static long threadsStarted(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "PerfCounter.print")
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("jcmd finished").isTrue();
        Matcher m = Pattern.compile("java\\.threads\\.started=(\\d+)").matcher(new String(out, StandardCharsets.UTF_8));
        assertThat(m.find()).as("jcmd output has java.threads.started: %s", new String(out, StandardCharsets.UTF_8))
                .isTrue();
        return Long.parseLong(m.group(1));
    }
}
