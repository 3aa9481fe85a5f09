package io.cairn.datanode.scrub;

import io.cairn.common.checksum.Crc32c;
import io.cairn.datanode.store.ChunkStore;
import io.cairn.datanode.store.DataDir;
import io.cairn.testing.Eventually;
import io.cairn.testing.ManualClock;
import io.cairn.testing.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ScrubberTest {
    static final long FAST = 1L << 30;
    static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path tmp;
    DataDir dir;
    ChunkStore store;
    final ManualClock clock = new ManualClock();
    final List<List<String>> reports = new CopyOnWriteArrayList<>();
    final Scrubber.Reporter recording = ids -> {
        reports.add(List.copyOf(ids));
        return true;
    };
    final List<Scrubber> scrubbers = new ArrayList<>();

    /** The name of the scrubber's thread. */
    static final String THREAD = "cairn-datanode-scrubber";
    /** Scrubber threads alive before the test started (none, unless an earlier test leaked one). */
    Set<Thread> earlier;

    /** The scrubber threads this test started that are still running. */
    List<Thread> threads() {
        List<Thread> mine = new ArrayList<>(Threads.named(THREAD));
        mine.removeAll(earlier);
        return mine;
    }

    @BeforeEach
    void open() throws IOException {
        earlier = new HashSet<>(Threads.named(THREAD));
        dir = DataDir.open(tmp.resolve("data"));
        store = ChunkStore.open(dir, 0, 0);
    }

    @AfterEach
    void close() throws IOException {
        scrubbers.forEach(Scrubber::close);
        dir.close();
    }

    Scrubber scrubber(Scrubber.Reporter reporter, long rate, Duration interval, Duration firstDelay, Clock clock) {
        Scrubber s = new Scrubber(store, reporter, rate, interval, firstDelay, clock);
        scrubbers.add(s);
        return s;
    }

    static String id(int n) {
        return String.format("%032x", n);
    }

    Path file(String id) {
        return tmp.resolve("data/chunks/" + id.substring(0, 2) + "/" + id);
    }

    byte[] put(String id, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        store.put(id, new ByteArrayInputStream(b), b.length, Crc32c.of(b));
        return b;
    }

    void flipABit(String id, int at) throws IOException {
        byte[] b = Files.readAllBytes(file(id));
        b[at] ^= 0x01;
        Files.write(file(id), b);
    }

    List<String> reportedIds() {
        List<String> all = new ArrayList<>();
        reports.forEach(all::addAll);
        return all;
    }

    @Test
    void aFlippedBitATruncatedChunkAndAnotherChunksFileAreReportedInOneBatchAndAGoodChunkIsNot() throws Exception {
        String good = id(1);
        String flipped = id(2);
        String truncated = id(3);
        String replaced = id(4);
        String old = id(5);
        String other = id(6);
        put(good, 100_000, 1);
        put(flipped, 100_000, 2);
        put(truncated, 100_000, 3);
        put(replaced, 100_000, 4);
        put(other, 100_000, 5);
        Files.createDirectories(file(old).getParent());
        Files.write(file(old), new byte[] {1, 2, 3}); // stored by an older version: no checksum recorded
        flipABit(flipped, 77_777);
        try (FileChannel ch = FileChannel.open(file(truncated), StandardOpenOption.WRITE)) {
            ch.truncate(50_000);
        }
        Files.copy(file(other), file(replaced), StandardCopyOption.REPLACE_EXISTING);

        Scrubber s = scrubber(recording, FAST, HOUR, HOUR, clock);
        Scrubber.Pass pass = s.pass();

        assertThat(reports).singleElement().satisfies(batch ->
                assertThat(batch).containsExactlyInAnyOrder(flipped, truncated, replaced));
        assertThat(pass.checked()).isEqualTo(5);
        assertThat(pass.bad()).isEqualTo(3);
        assertThat(pass.unknown()).isEqualTo(1);
        assertThat(s.badFound()).isEqualTo(3);
        assertThat(s.reported()).isEqualTo(3);
        assertThat(s.passes()).isEqualTo(1);
        for (String id : List.of(good, flipped, truncated, replaced, old, other)) {
            assertThat(file(id)).as("the scrubber deletes nothing").exists();
        }
    }

    @Test
    void aPassOverGoodChunksReportsNothing() throws Exception {
        for (int i = 1; i <= 5; i++) {
            put(id(i), 10_000 * i, i);
        }
        Scrubber.Pass pass = scrubber(recording, FAST, HOUR, HOUR, clock).pass();
        assertThat(pass.checked()).isEqualTo(5);
        assertThat(pass.bytes()).isEqualTo(150_000);
        assertThat(pass.bad()).isZero();
        assertThat(reports).isEmpty();
    }

    @Test
    void readsStayUnderTheRate() throws Exception {
        int mib = 1 << 20;
        for (int i = 1; i <= 4; i++) {
            put(id(i), mib, i);
        }
        Scrubber s = scrubber(recording, 8L * mib, HOUR, HOUR, clock);
        long t0 = System.nanoTime();
        Scrubber.Pass pass = s.pass();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(pass.bytes()).isEqualTo(4L * mib);
        assertThat(ms).as("4 MiB at 8 MiB/s").isGreaterThanOrEqualTo(400).isLessThan(10_000);
    }

    @Test
    void manyBadChunksAreReportedInBatchesWhileThePassGoesOn() throws Exception {
        for (int i = 1; i <= 250; i++) {
            put(id(i), 16, i);
            flipABit(id(i), 3);
        }
        scrubber(recording, FAST, HOUR, HOUR, clock).pass();
        assertThat(reports).hasSize(3); // at 100 and 200 waiting, and the rest at the end of the pass
        assertThat(reports).allSatisfy(b -> assertThat(b.size()).isLessThanOrEqualTo(Scrubber.REPORT_BATCH));
        assertThat(new HashSet<>(reportedIds())).hasSize(250);
    }

    @Test
    void badChunksTheMasterCouldNotTakeAreReportedLater() throws Exception {
        String bad = id(9);
        put(bad, 1000, 9);
        flipABit(bad, 500);
        AtomicInteger calls = new AtomicInteger();
        Scrubber.Reporter flaky = ids -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                throw new IOException("master down");
            }
            if (n == 2) {
                return false; // not registered yet
            }
            return recording.reportBad(ids);
        };
        Scrubber s = scrubber(flaky, FAST, HOUR, HOUR, clock);
        s.pass();
        assertThat(calls).hasValue(1);
        s.pass(); // found again, but no retry before RETRY_AFTER
        assertThat(calls).hasValue(1);
        clock.advance(Scrubber.RETRY_AFTER);
        s.pass();
        assertThat(calls).hasValue(2);
        assertThat(s.reported()).isZero();
        clock.advance(Scrubber.RETRY_AFTER);
        s.pass();
        assertThat(calls).hasValue(3);
        assertThat(reports).containsExactly(List.of(bad));
        assertThat(s.reported()).isEqualTo(1);
        assertThat(s.badFound()).isEqualTo(4);
    }

    @Test
    void theThreadScrubsAfterTheFirstDelayThenEveryIntervalUntilClosed() throws Exception {
        String bad = id(3);
        put(id(1), 1000, 1);
        put(bad, 1000, 3);
        flipABit(bad, 10);
        Scrubber s = scrubber(recording, FAST, Duration.ofMillis(50), Duration.ofMillis(20), Clock.systemUTC());
        s.start();
        Eventually.await("three passes", () -> s.passes() >= 3);
        assertThat(reportedIds()).hasSizeGreaterThanOrEqualTo(2).containsOnly(bad); // a bad chunk is reported each pass
        s.close();
        long passes = s.passes();
        Eventually.await("the scrubber's thread has ended", () -> threads().isEmpty());
        assertThat(s.passes()).isEqualTo(passes);
        assertThat(file(bad)).exists();
    }

    @Test
    void theFirstPassWaitsForTheClock() throws Exception {
        put(id(1), 1000, 1);
        Scrubber s = scrubber(recording, FAST, HOUR, Duration.ofMinutes(1), clock);
        s.start();
        Eventually.await("the scrubber waits for its first pass", () -> threads().size() == 1
                && Threads.waitingIn(threads().get(0), Scrubber.class, "run"));
        assertThat(s.passes()).isZero();
        clock.advance(Duration.ofMinutes(1));
        Eventually.await("the first pass", Duration.ofSeconds(5), () -> s.passes() == 1);
    }

    @Test
    void aRateOfZeroStartsNoThread() throws Exception {
        put(id(1), 1000, 1);
        Scrubber s = scrubber(recording, 0, Duration.ofMillis(10), Duration.ZERO, Clock.systemUTC());
        s.start();
        assertThat(threads()).as("no scrubber thread").isEmpty();
        assertThat(s.passes()).isZero();
    }

    @Test
    void aChunkAReadFoundBadIsReportedAndCountedAsOneAPassFound() throws Exception {
        put(id(1), 1000, 1);
        Scrubber s = scrubber(recording, FAST, HOUR, HOUR, clock);
        s.found(id(7), "the CRC32C of block 2 is 1, 2 was stored");
        s.found(id(7), "again, by another read");
        Scrubber.Pass pass = s.pass();
        assertThat(pass.bad()).as("not found by the pass").isZero();
        assertThat(reports).containsExactly(List.of(id(7)));
        assertThat(s.badFound()).isEqualTo(1);
        assertThat(s.reported()).isEqualTo(1);
    }

    @Test
    void withScrubbingOffAChunkAReadFoundBadStartsTheThreadOnlyToReportIt() throws Exception {
        put(id(1), 1000, 1);
        flipABit(id(1), 5);
        Scrubber s = scrubber(recording, 0, Duration.ofMillis(10), Duration.ZERO, Clock.systemUTC());
        s.start();
        assertThat(threads()).as("no thread until a read finds a bad chunk").isEmpty();
        s.found(id(9), "cut short");
        Eventually.await("the chunk reported", () -> reportedIds().contains(id(9)));
        assertThat(reportedIds()).as("no pass: the flipped chunk is not looked at").containsOnly(id(9));
        assertThat(s.passes()).isZero();
        s.close();
        Eventually.await("the scrubber's thread has ended", () -> threads().isEmpty());
    }

    @Test
    void theFirstDelayIsTheIntervalUpToAMinute() {
        assertThat(Scrubber.firstDelayFor(Duration.ofMillis(200))).isEqualTo(Duration.ofMillis(200));
        assertThat(Scrubber.firstDelayFor(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(1));
    }
}
