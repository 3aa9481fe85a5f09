package io.cairn.mount.file;

/** One open() of a regular file: the shared {@link OpenFile}, what the open allows, and its read pattern. */
public final class Handle {
    private final OpenFile file;
    private final boolean writable;
    private final boolean append;
    /**
     * How far from where the previous read ended a read may start and still count as sequential:
     * the kernel's read-ahead sends a sequential reader's reads (at most 128 KiB each) several at
     * a time, and they may be served out of order.
     */
    static final long SEQUENTIAL_WINDOW = 256 << 10;
    /** The furthest end of the reads of the current sequential run. */
    private long nextRead;

    public Handle(OpenFile file, boolean writable, boolean append) {
        this.file = file;
        this.writable = writable;
        this.append = append;
    }

    public OpenFile file() {
        return file;
    }

    public boolean writable() {
        return writable;
    }

    public boolean append() {
        return append;
    }

    /**
     * Records a read and says whether it continues the previous ones (starts within
     * {@link #SEQUENTIAL_WINDOW} of where they ended; a read from 0 counts as a start).
     */
    public synchronized boolean sequential(long offset, long length) {
        boolean s = offset == 0 || Math.abs(offset - nextRead) <= SEQUENTIAL_WINDOW;
        nextRead = s ? Math.max(nextRead, offset + length) : offset + length;
        if (offset == 0) {
            nextRead = length;
        }
        return s;
    }
}
