package io.cairn.mount.file;

/** One open() of a regular file: the shared {@link OpenFile}, what the open allows, and its read pattern. */
public final class Handle {
    private final OpenFile file;
    private final boolean writable;
    private final boolean append;
    /** Just past the previous read: a read starting here is sequential and earns read-ahead. */
    private volatile long nextRead;

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

    /** Records a read and says whether it continued the previous one (a read from 0 counts as a start). */
    public boolean sequential(long offset, long length) {
        boolean s = offset == nextRead || offset == 0;
        nextRead = offset + length;
        return s;
    }
}
