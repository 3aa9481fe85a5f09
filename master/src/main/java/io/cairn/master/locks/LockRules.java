package io.cairn.master.locks;

import io.cairn.master.meta.LockRow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The arithmetic of byte-range locks, as the kernel does it for a local file: a lock conflicts with
 * another owner's overlapping lock when either is a write lock; an owner's new lock replaces what it
 * held over that range (so a read lock inside a write lock splits it in three), and an unlock
 * removes that range from what it held. An owner's locks of one type that touch are merged, so the
 * number of rows stays as small as the ranges are. A flock lock is a range over the whole file.
 */
final class LockRules {
    private LockRules() {
    }

    /**
     * The first lock in {@code held} that keeps {@code owner} of {@code session} from taking a lock of
     * {@code type} over {@code start..end}, among those {@code live} accepts; null when none does.
     */
    static LockRow conflict(List<LockRow> held, String session, long owner, int type, long start, long end,
                            Predicate<LockRow> live) {
        for (LockRow h : held) {
            if (!h.sameOwner(session, owner) && h.overlaps(start, end)
                    && (type == LockRow.WRITE || h.type() == LockRow.WRITE) && live.test(h)) {
                return h;
            }
        }
        return null;
    }

    /**
     * What {@code own} (the locks of one owner on one inode, of one kind) becomes once a lock of
     * {@code type} (or 0: an unlock) over {@code start..end} is applied, merged and in order.
     */
    static List<LockRow> apply(List<LockRow> own, int type, long start, long end, LockRow template) {
        List<LockRow> out = new ArrayList<>();
        for (LockRow r : own) {
            if (!r.overlaps(start, end)) {
                out.add(r);
                continue;
            }
            if (r.start() < start) {
                out.add(with(r, r.type(), r.start(), start - 1, r.pid()));
            }
            if (r.end() > end) {
                out.add(with(r, r.type(), end + 1, r.end(), r.pid()));
            }
        }
        if (type != 0) {
            out.add(with(template, type, start, end, template.pid()));
        }
        out.sort(Comparator.comparingLong(LockRow::start));
        List<LockRow> merged = new ArrayList<>();
        for (LockRow r : out) {
            LockRow last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.type() == r.type() && last.end() != Long.MAX_VALUE && r.start() <= last.end() + 1) {
                merged.set(merged.size() - 1, with(last, last.type(), last.start(), Math.max(last.end(), r.end()),
                        r.start() >= start && r.end() <= end ? r.pid() : last.pid()));
            } else {
                merged.add(r);
            }
        }
        return merged;
    }

    private static LockRow with(LockRow r, int type, long start, long end, int pid) {
        return new LockRow(r.inode(), r.kind(), r.session(), r.owner(), type, start, end, pid);
    }
}
