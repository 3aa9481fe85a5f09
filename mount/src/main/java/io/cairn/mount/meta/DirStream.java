package io.cairn.mount.meta;

import io.cairn.common.wire.DirEntry;
import io.cairn.common.wire.ListPage;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One open directory, served to the kernel a page at a time: never more than one page of names in
 * memory, however large the directory.
 *
 * <p>Offsets are positions in this stream: 0 is ".", 1 is "..", and {@code 2 + i} the stream's
 * {@code i}-th entry; the offset handed out with an entry is the one to resume from after it. Pages
 * are asked of the master by name cursor (every name after the last one served), so a directory
 * that changes between calls is neither repeated nor skipped: a name added or removed after the
 * cursor shows up or not, as on a local disk, and every other name comes exactly once. The most
 * recent page starts are kept as checkpoints (position and cursor), so that a seekdir back to a
 * position this stream handed out resumes from the same names; offset 0 (rewinddir) starts afresh.
 *
 * <p>Each page's attributes go into the {@link AttrCache} for the {@code stat} calls that follow a
 * listing; a listing that ran from the first name to the last without a seek, and kept every name
 * cached, leaves the directory known whole for the attribute timeout.
 */
public final class DirStream implements AutoCloseable {
    /** Names asked of the master per page. */
    static final int PAGE = 512;
    /** Page starts remembered for seekdir. */
    static final int CHECKPOINTS = 64;
    /** The offset of the stream's first entry (after "." and ".."). */
    static final long FIRST = 2;

    /** Where pages come from: the master's {@code GET /fs/list}. */
    @FunctionalInterface
    public interface Lister {
        ListPage list(String dir, String after, int limit) throws IOException;
    }

    /** Where entries go: the kernel's buffer; false when it is full (that entry was not taken). */
    @FunctionalInterface
    public interface Filler {
        boolean add(String name, long nextOffset);
    }

    private record Checkpoint(long index, String after) {
    }

    private final String dir;
    private final Lister lister;
    private final AttrCache cache;
    private final ArrayDeque<Checkpoint> checkpoints = new ArrayDeque<>();
    /** The names of the current page; {@code start} is the stream index of the first. */
    private List<String> page;
    private long start;
    /** The cursor after the current page; null when it is the last. */
    private String next;
    /** A listing for the attribute cache is under way (since offset 0, with no seek back). */
    private boolean listing;
    private long listingStamp;

    public DirStream(String dir, Lister lister, AttrCache cache) {
        this.dir = dir;
        this.lister = lister;
        this.cache = cache;
    }

    /** Fills {@code out} from {@code offset} on, until it is full or the directory ends. */
    public synchronized void read(long offset, Filler out) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("negative directory offset " + offset);
        }
        if (offset == 0) {
            restart();
            if (!out.add(".", 1)) {
                return;
            }
        }
        if (offset <= 1 && !out.add("..", FIRST)) {
            return;
        }
        long i = Math.max(offset, FIRST) - FIRST;
        seek(i);
        while (true) {
            if (i - start >= page.size()) {
                if (next == null) {
                    endListing(true);
                    return;
                }
                fetch(start + page.size(), next);
                continue;
            }
            if (!out.add(page.get((int) (i - start)), FIRST + i + 1)) {
                return;
            }
            i++;
        }
    }

    /** The directory handle is closed. */
    @Override
    public synchronized void close() {
        endListing(false);
        page = null;
        checkpoints.clear();
    }

    private void restart() {
        endListing(false);
        page = null;
        checkpoints.clear();
        listingStamp = cache.beginListing(dir);
        listing = true;
    }

    /** Makes the current page the one holding stream index {@code i} (or the last page, when {@code i} is past the end). */
    private void seek(long i) throws IOException {
        if (page != null && i >= start && i - start <= page.size()) {
            return;
        }
        if (page != null) {
            endListing(false); // a jump: this pass no longer sees the directory in one sweep
        }
        Checkpoint from = new Checkpoint(0, null);
        for (Iterator<Checkpoint> it = checkpoints.descendingIterator(); it.hasNext(); ) {
            Checkpoint c = it.next();
            if (c.index <= i && c.index >= from.index) {
                from = c;
            }
        }
        fetch(from.index, from.after);
        while (i - start > page.size() && next != null) {
            fetch(start + page.size(), next);
        }
    }

    private void fetch(long index, String after) throws IOException {
        ListPage p = lister.list(dir, after, PAGE);
        List<String> names = new ArrayList<>(p.entries().size());
        for (DirEntry e : p.entries()) {
            names.add(e.name());
            cache.put(Namespace.child(dir, e.name()), e.attr());
        }
        page = names;
        start = index;
        next = names.isEmpty() ? null : p.next(); // an empty page with a cursor would never end
        checkpoint(index, after);
    }

    private void checkpoint(long index, String after) {
        checkpoints.removeIf(c -> c.index == index);
        checkpoints.addLast(new Checkpoint(index, after));
        while (checkpoints.size() > CHECKPOINTS) {
            checkpoints.removeFirst();
        }
    }

    private void endListing(boolean whole) {
        if (listing) {
            listing = false;
            cache.endListing(dir, listingStamp, whole);
        }
    }
}
