package io.cairn.mount.meta;

import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AttrCacheTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AttrCache cache = new AttrCache(Duration.ofSeconds(1), now::get);

    private static Attr file(long inode, int mode, int nlink) {
        return new Attr(inode, FileType.FILE, mode, 0, 0, 0, nlink, 0, 0, 0, 0, null);
    }

    @Test
    void anEntryLivesForTheAttributeTimeout() {
        cache.put("/a", file(2, 0644, 1));
        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(cache.get("/a")).isNotNull();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(cache.get("/a")).isNull();
    }

    @Test
    void aZeroTimeoutCachesNothing() {
        AttrCache off = new AttrCache(Duration.ZERO, now::get);
        off.put("/a", file(2, 0644, 1));
        assertThat(off.get("/a")).isNull();
        assertThat(off.enabled()).isFalse();
    }

    @Test
    void aChangeThroughOneNameReachesEveryCachedNameOfTheInode() {
        cache.put("/a", file(2, 0644, 2));
        cache.put("/d/b", file(2, 0644, 2));
        cache.update(file(2, 0600, 2));
        assertThat(cache.get("/a").mode()).isEqualTo(0600);
        assertThat(cache.get("/d/b").mode()).isEqualTo(0600);
        cache.invalidateInode(2);
        assertThat(cache.get("/a")).isNull();
        assertThat(cache.get("/d/b")).isNull();
    }

    @Test
    void forgettingADirectoryForgetsEverythingUnderItButNotItsNeighbours() {
        cache.put("/d", new Attr(3, FileType.DIR, 0755, 0, 0, 0, 2, 0, 0, 0, 0, null));
        cache.put("/d/x", file(4, 0644, 1));
        cache.put("/d/x/y", file(5, 0644, 1));
        cache.put("/dd", file(6, 0644, 1));
        cache.invalidateTree("/d");
        assertThat(cache.get("/d")).isNull();
        assertThat(cache.get("/d/x")).isNull();
        assertThat(cache.get("/d/x/y")).isNull();
        assertThat(cache.get("/dd")).isNotNull();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void expiredEntriesAreSweptAway() {
        for (int i = 0; i < 5000; i++) {
            cache.put("/f" + i, file(100 + i, 0644, 1));
        }
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        for (int i = 0; i < 5000; i++) {
            cache.put("/g" + i, file(10_000 + i, 0644, 1));
        }
        assertThat(cache.size()).isLessThan(10_000);
    }

    @Test
    void aDirectoryKnownWholeAnswersThatANameIsAbsentUntilTheTimeout() {
        cache.put("/d/a", file(7, 0644, 1));
        cache.markComplete("/d");
        assertThat(cache.knownAbsent("/d/b")).isTrue();
        assertThat(cache.knownAbsent("/d/a")).isFalse();
        assertThat(cache.knownAbsent("/other/b")).isFalse();
        cache.put("/d/b", file(8, 0644, 1)); // created here: known, and the directory stays known whole
        assertThat(cache.knownAbsent("/d/b")).isFalse();
        assertThat(cache.knownAbsent("/d/c")).isTrue();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(cache.knownAbsent("/d/c")).isFalse();
    }

    @Test
    void theRootIsNeverKnownAbsentEvenWhenItIsKnownWhole() {
        // regression: `ls /mnt` then `df /mnt` said "No such file or directory" for the root itself
        cache.markComplete("/");
        assertThat(cache.knownAbsent("/")).isFalse();
        assertThat(cache.knownAbsent("/x")).isTrue();
    }

    @Test
    void forgettingAnEntryMeansItsDirectoryIsNoLongerKnownWhole() {
        cache.put("/d/a", file(7, 0644, 2));
        cache.markComplete("/d");
        cache.invalidate("/d/a");
        assertThat(cache.knownAbsent("/d/zzz")).isFalse();
        cache.put("/e/a", file(9, 0644, 2));
        cache.markComplete("/e");
        cache.invalidateInode(9); // e.g. its link count changed through another name
        assertThat(cache.knownAbsent("/e/zzz")).isFalse();
        cache.markComplete("/f/g");
        cache.invalidateTree("/f");
        assertThat(cache.knownAbsent("/f/g/x")).isFalse();
    }

    @Test
    void theCacheHoldsAtMostItsBoundAndForgetsTheLeastRecentlyUsedFirst() {
        AttrCache small = new AttrCache(Duration.ofSeconds(1), now::get, 3);
        small.put("/a", file(2, 0644, 1));
        small.put("/b", file(3, 0644, 1));
        small.put("/c", file(4, 0644, 1));
        assertThat(small.get("/a")).isNotNull(); // used: /b is now the least recently used
        small.put("/d", file(5, 0644, 1));
        assertThat(small.size()).isEqualTo(3);
        assertThat(small.get("/b")).isNull();
        assertThat(small.get("/a")).isNotNull();
        small.update(file(3, 0600, 1)); // /b's inode has no cached name left: nothing to update, nothing kept
        assertThat(small.get("/b")).isNull();
    }

    @Test
    void aNamePushedOutByTheBoundEndsItsDirectorysCompleteness() {
        AttrCache small = new AttrCache(Duration.ofSeconds(1), now::get, 2);
        small.put("/d/a", file(2, 0644, 1));
        small.markComplete("/d");
        small.put("/e/x", file(3, 0644, 1));
        assertThat(small.knownAbsent("/d/zzz")).isTrue();
        small.put("/e/y", file(4, 0644, 1)); // pushes /d/a out
        assertThat(small.get("/d/a")).isNull();
        assertThat(small.knownAbsent("/d/a")).as("an existing name must not turn into ENOENT").isFalse();
    }

    @Test
    void directoriesKnownWholeAreBoundedToo() {
        for (int i = 0; i < AttrCache.MAX_COMPLETE * 3; i++) {
            cache.markComplete("/dir" + i);
        }
        assertThat(cache.completeDirectories()).isEqualTo(AttrCache.MAX_COMPLETE);
        assertThat(cache.knownAbsent("/dir" + (AttrCache.MAX_COMPLETE * 3 - 1) + "/x")).isTrue();
        assertThat(cache.knownAbsent("/dir0/x")).isFalse();
    }

    @Test
    void aListingMarksItsDirectoryWholeOnlyIfNoneOfItsNamesLeftMeanwhile() {
        long stamp = cache.beginListing("/d");
        cache.put("/d/a", file(2, 0644, 1));
        cache.put("/d/b", file(3, 0644, 1));
        cache.endListing("/d", stamp, true);
        assertThat(cache.knownAbsent("/d/c")).isTrue();

        long again = cache.beginListing("/e");
        cache.put("/e/a", file(4, 0644, 1));
        cache.invalidateInode(4); // e.g. a hard link was made to it while the listing went on
        cache.put("/e/b", file(5, 0644, 1));
        cache.endListing("/e", again, true);
        assertThat(cache.knownAbsent("/e/a")).isFalse();
        assertThat(cache.listingsUnderWay()).isZero();
    }

    @Test
    void theBoundFollowsTheHeap() {
        assertThat(AttrCache.entriesForHeap(64L << 20)).isEqualTo(8192);
        assertThat(AttrCache.entriesForHeap(16L << 20)).isEqualTo(2048);
        assertThat(AttrCache.entriesForHeap(1L << 20)).isEqualTo(1024);
        assertThat(AttrCache.entriesForHeap(64L << 30)).isEqualTo(65_536);
    }

    @Test
    void parentOfAPath() {
        assertThat(Namespace.parent("/a")).isEqualTo("/");
        assertThat(Namespace.parent("/a/b/c")).isEqualTo("/a/b");
        assertThat(Namespace.child("/", "a")).isEqualTo("/a");
        assertThat(Namespace.child("/a", "b")).isEqualTo("/a/b");
    }

    @Test
    void aNameTheMasterSaidIsAbsentStaysAbsentForTheTimeoutUnlessThisMountMakesIt() {
        cache.markAbsent("/d/gone");
        assertThat(cache.knownAbsent("/d/gone")).isTrue();
        assertThat(cache.knownAbsent("/d/other")).as("only the name asked for").isFalse();
        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(cache.knownAbsent("/d/gone")).isTrue();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(cache.knownAbsent("/d/gone")).as("another mount's new name is seen after the timeout").isFalse();

        cache.markAbsent("/d/new");
        cache.forgetAbsent("/d/new"); // a create of it begins here
        assertThat(cache.knownAbsent("/d/new")).isFalse();
        cache.markAbsent("/d/made");
        cache.put("/d/made", file(7, 0644, 1));
        assertThat(cache.knownAbsent("/d/made")).isFalse();
        cache.markAbsent("/d/made"); // a lookup that raced the create answers late: the name is cached, so it stays
        assertThat(cache.knownAbsent("/d/made")).isFalse();
        cache.markAbsent("/t/a/b");
        cache.invalidateTree("/t"); // a rename onto /t
        assertThat(cache.knownAbsent("/t/a/b")).isFalse();
        AttrCache off = new AttrCache(Duration.ZERO, now::get);
        off.markAbsent("/x");
        assertThat(off.knownAbsent("/x")).as("a zero timeout remembers nothing").isFalse();
    }

    @Test
    void absentNamesAreBounded() {
        for (int i = 0; i < AttrCache.MAX_ABSENT + 10; i++) {
            cache.markAbsent("/n" + i);
        }
        assertThat(cache.knownAbsent("/n0")).as("the oldest went first").isFalse();
        assertThat(cache.knownAbsent("/n" + (AttrCache.MAX_ABSENT + 9))).isTrue();
    }
}
