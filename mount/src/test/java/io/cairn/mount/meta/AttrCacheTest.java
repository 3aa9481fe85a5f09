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
    void parentOfAPath() {
        assertThat(Namespace.parent("/a")).isEqualTo("/");
        assertThat(Namespace.parent("/a/b/c")).isEqualTo("/a/b");
        assertThat(Namespace.child("/", "a")).isEqualTo("/a");
        assertThat(Namespace.child("/a", "b")).isEqualTo("/a/b");
    }
}
