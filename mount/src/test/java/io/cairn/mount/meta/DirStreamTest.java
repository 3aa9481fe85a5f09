package io.cairn.mount.meta;

import io.cairn.common.wire.Attr;
import io.cairn.common.wire.DirEntry;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.ListPage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class DirStreamTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AttrCache cache = new AttrCache(Duration.ofSeconds(1), now::get, 100_000);
    /** The directory as the master has it: names in order, as {@code GET /fs/list} pages them. */
    private final TreeMap<String, Attr> master = new TreeMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger largestPage = new AtomicInteger();

    private ListPage list(String dir, String after, int limit) {
        calls.incrementAndGet();
        List<DirEntry> out = new ArrayList<>();
        for (var e : (after == null ? master : master.tailMap(after, false)).entrySet()) {
            if (out.size() == limit) {
                break;
            }
            out.add(new DirEntry(e.getKey(), e.getValue()));
        }
        largestPage.accumulateAndGet(out.size(), Math::max);
        boolean more = !out.isEmpty() && master.higherKey(out.get(out.size() - 1).name()) != null;
        return new ListPage(out, more ? out.get(out.size() - 1).name() : null);
    }

    private void files(int n) {
        for (int i = 0; i < n; i++) {
            add(String.format("f%06d", i));
        }
    }

    private void add(String name) {
        master.put(name, new Attr(1000 + master.size(), FileType.FILE, 0644, 0, 0, 0, 1, 0, 0, 0, 0, null));
    }

    /** What the kernel does: readdir calls of {@code perCall} entries, each resuming from the last offset taken. */
    private static List<String> readAll(DirStream d, int perCall, Runnable betweenCalls) throws Exception {
        List<String> names = new ArrayList<>();
        long offset = 0;
        while (true) {
            long[] last = {offset};
            int[] taken = {0};
            d.read(offset, (name, next) -> {
                if (taken[0] == perCall) {
                    return false;
                }
                taken[0]++;
                names.add(name);
                last[0] = next;
                return true;
            });
            if (taken[0] == 0) {
                return names;
            }
            offset = last[0];
            betweenCalls.run();
        }
    }

    @Test
    void aLargeDirectoryIsServedInPagesWithEveryNameOnce() throws Exception {
        files(5000);
        DirStream d = new DirStream("/big", this::list, cache);
        List<String> names = readAll(d, 100, () -> { });
        assertThat(names).hasSize(5002).startsWith(".", "..", "f000000").endsWith("f004999");
        assertThat(names).doesNotHaveDuplicates();
        assertThat(largestPage.get()).isLessThanOrEqualTo(DirStream.PAGE);
        assertThat(calls.get()).as("one master call per page, not per readdir").isLessThanOrEqualTo(5000 / DirStream.PAGE + 1);
    }

    @Test
    void namesAddedAndRemovedBetweenCallsNeitherRepeatNorHideTheOthers() throws Exception {
        files(2000);
        DirStream d = new DirStream("/d", this::list, cache);
        int[] round = {0};
        List<String> names = readAll(d, 37, () -> {
            round[0]++;
            add("f000000-new-" + round[0]);        // before the cursor: not seen, as on a local disk
            add("zz-new-" + round[0]);              // after it: seen
            master.remove(String.format("f%06d", 1999 - round[0])); // from the end: not seen
        });
        assertThat(names).doesNotHaveDuplicates();
        for (int i = 0; i < 2000 - round[0] - 1; i++) {
            assertThat(names).contains(String.format("f%06d", i)); // every name that stayed came once
        }
        assertThat(names).noneMatch(n -> n.startsWith("f000000-new-"));
        assertThat(names).contains("zz-new-1");
    }

    @Test
    void seekingBackToAnOffsetHandedOutResumesFromTheSameName() throws Exception {
        files(3000);
        DirStream d = new DirStream("/d", this::list, cache);
        List<String> first = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        d.read(0, (name, next) -> {
            first.add(name);
            offsets.add(next);
            return first.size() < 1500;
        });
        // telldir after entry 700, read on, then seekdir back there
        long back = offsets.get(700);
        List<String> again = new ArrayList<>();
        d.read(back, (name, next) -> {
            again.add(name);
            return again.size() < 10;
        });
        assertThat(again).containsExactlyElementsOf(first.subList(701, 711));
    }

    @Test
    void offsetZeroStartsAfreshAndSeesNewNames() throws Exception {
        files(10);
        DirStream d = new DirStream("/d", this::list, cache);
        assertThat(readAll(d, 1000, () -> { })).hasSize(12);
        add("new");
        assertThat(readAll(d, 1000, () -> { })).hasSize(13).contains("new");
    }

    @Test
    void aListingReadToTheEndLeavesTheDirectoryKnownWhole() throws Exception {
        files(1500);
        DirStream d = new DirStream("/d", this::list, cache);
        readAll(d, 100, () -> { });
        assertThat(cache.get("/d/f000042")).isNotNull();
        assertThat(cache.knownAbsent("/d/nope")).isTrue();
        d.close();
        assertThat(cache.listingsUnderWay()).isZero();
    }

    @Test
    void aListingClosedHalfWayOrLargerThanTheCacheDoesNotClaimTheDirectoryWhole() throws Exception {
        files(1500);
        DirStream half = new DirStream("/d", this::list, cache);
        half.read(0, (name, next) -> !name.equals("f000100"));
        half.close();
        assertThat(cache.knownAbsent("/d/nope")).isFalse();

        AttrCache small = new AttrCache(Duration.ofSeconds(1), now::get, 1000);
        DirStream big = new DirStream("/d", this::list, small);
        readAll(big, 100, () -> { });
        assertThat(small.size()).isEqualTo(1000);
        // f000000 was pushed out by the bound: claiming the directory whole would hide it
        assertThat(small.knownAbsent("/d/f000000")).isFalse();
        big.close();
        assertThat(small.listingsUnderWay()).isZero();
    }
}
