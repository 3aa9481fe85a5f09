package io.cairn.master.locks;

import io.cairn.master.meta.LockRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The range arithmetic of locks, as a local file's: conflicts, splits, merges, unlocks. */
@Timeout(10)
class LockRulesTest {
    static final long EOF = Long.MAX_VALUE;
    static final LockRow T = new LockRow(7, LockRow.POSIX, "s1", 1, LockRow.WRITE, 0, 0, 100);

    static LockRow row(String session, long owner, int type, long start, long end) {
        return new LockRow(7, LockRow.POSIX, session, owner, type, start, end, 100);
    }

    static LockRow mine(int type, long start, long end) {
        return row("s1", 1, type, start, end);
    }

    @Test
    void readLocksShareAndAWriteLockConflictsWithAnyOtherOwnersOverlappingLock() {
        List<LockRow> held = List.of(row("s2", 9, LockRow.READ, 100, 199));
        assertThat(LockRules.conflict(held, "s1", 1, LockRow.READ, 150, 160, l -> true)).isNull();
        assertThat(LockRules.conflict(held, "s1", 1, LockRow.WRITE, 150, 160, l -> true)).isEqualTo(held.get(0));
        assertThat(LockRules.conflict(held, "s1", 1, LockRow.WRITE, 200, 300, l -> true)).as("no overlap").isNull();
        assertThat(LockRules.conflict(held, "s1", 1, LockRow.WRITE, 0, 100, l -> true)).as("one byte").isNotNull();
        assertThat(LockRules.conflict(held, "s2", 9, LockRow.WRITE, 150, 160, l -> true)).as("its own owner").isNull();
        assertThat(LockRules.conflict(held, "s2", 8, LockRow.WRITE, 150, 160, l -> true))
                .as("another owner of the same mount").isNotNull();
        assertThat(LockRules.conflict(held, "s1", 9, LockRow.WRITE, 150, 160, l -> true))
                .as("the same owner number on another mount").isNotNull();
        assertThat(LockRules.conflict(held, "s1", 1, LockRow.WRITE, 150, 160, l -> false))
                .as("a lock of a lapsed session stands in no one's way").isNull();
    }

    @Test
    void aReadLockInsideAWriteLockSplitsItInThree() {
        List<LockRow> out = LockRules.apply(List.of(mine(LockRow.WRITE, 0, EOF)), LockRow.READ, 100, 199, T);
        assertThat(out).containsExactly(mine(LockRow.WRITE, 0, 99), mine(LockRow.READ, 100, 199),
                mine(LockRow.WRITE, 200, EOF));
    }

    @Test
    void locksOfOneTypeThatTouchOrOverlapMergeAndOfAnotherTypeReplace() {
        List<LockRow> a = LockRules.apply(List.of(), LockRow.WRITE, 0, 9, T);
        List<LockRow> b = LockRules.apply(a, LockRow.WRITE, 10, 19, T);
        assertThat(b).containsExactly(mine(LockRow.WRITE, 0, 19));
        List<LockRow> c = LockRules.apply(b, LockRow.WRITE, 5, 40, T);
        assertThat(c).containsExactly(mine(LockRow.WRITE, 0, 40));
        List<LockRow> d = LockRules.apply(c, LockRow.READ, 30, 60, T);
        assertThat(d).containsExactly(mine(LockRow.WRITE, 0, 29), mine(LockRow.READ, 30, 60));
        assertThat(LockRules.apply(d, LockRow.WRITE, 0, 60, T)).containsExactly(mine(LockRow.WRITE, 0, 60));
        assertThat(LockRules.apply(List.of(mine(LockRow.READ, 0, 9)), LockRow.READ, 20, 29, T))
                .as("a gap keeps two rows").containsExactly(mine(LockRow.READ, 0, 9), mine(LockRow.READ, 20, 29));
    }

    @Test
    void anUnlockRemovesOnlyItsRangeAndOfEverythingLeavesNothing() {
        List<LockRow> held = List.of(mine(LockRow.WRITE, 0, 99), mine(LockRow.READ, 200, EOF));
        assertThat(LockRules.apply(held, 0, 50, 249, T))
                .containsExactly(mine(LockRow.WRITE, 0, 49), mine(LockRow.READ, 250, EOF));
        assertThat(LockRules.apply(held, 0, 0, EOF, T)).isEmpty();
        assertThat(LockRules.apply(held, 0, 100, 199, T)).as("an unlock of what is not held").isEqualTo(held);
    }

    @Test
    void aLockToTheEndOfTheFileMergesWithoutOverflow() {
        List<LockRow> out = LockRules.apply(List.of(mine(LockRow.WRITE, 100, EOF)), LockRow.WRITE, 0, 99, T);
        assertThat(out).containsExactly(mine(LockRow.WRITE, 0, EOF));
        assertThat(LockRules.apply(out, LockRow.WRITE, 50, EOF, T)).containsExactly(mine(LockRow.WRITE, 0, EOF));
    }
}
