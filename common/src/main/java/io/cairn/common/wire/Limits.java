package io.cairn.common.wire;

/** Sizes every part of Cairn agrees on: what a writer may send, a datanode accepts and a file may grow to. */
public final class Limits {
    /** The largest chunk a datanode stores (64 MiB); a larger one is refused with EFBIG. */
    public static final int MAX_CHUNK = 64 << 20;
    /**
     * The largest file (2^60 bytes, 1 EiB): a size, a write's end or a truncate past it is refused
     * with EFBIG. Far below 2^63, so that sizes and offsets up to it plus one chunk never overflow.
     */
    public static final long MAX_FILE_SIZE = 1L << 60;

    /**
     * The most slices a chunk carries: a commit that would lay more over one is refused (EFBIG), and
     * a writer compacts a chunk (merges its slices into a new whole chunk) well before that.
     */
    public static final int MAX_SLICES = 256;
    /**
     * A writer compacts a chunk once this many slices lie over it: rewriting a chunk then costs, per
     * slice, a 64th of the chunk (64 KiB of a 4 MiB chunk) besides the slice's own bytes.
     */
    public static final int COMPACT_AT = 64;

    /** The longest name of an extended attribute, prefix included (Linux's XATTR_NAME_MAX). */
    public static final int XATTR_NAME_MAX = 255;
    /** The largest value of an extended attribute (Linux's XATTR_SIZE_MAX, 64 KiB). */
    public static final int XATTR_SIZE_MAX = 64 << 10;
    /**
     * The most an inode's list of extended attribute names may take, each name with its NUL
     * (Linux's XATTR_LIST_MAX, 64 KiB): a set that would pass it is refused with ENOSPC, so that a
     * listxattr can always answer.
     */
    public static final int XATTR_LIST_MAX = 64 << 10;
    /** The most locks one mount's session holds at once (ranges of one owner count one each); past it, ENOLCK. */
    public static final int LOCKS_PER_SESSION = 10_000;
    /** The longest a master waits inside one lock call for a conflicting lock to go. */
    public static final int LOCK_WAIT_MAX_MS = 5_000;
    /** The longest name a session is opened under. */
    public static final int SESSION_NAME_MAX = 512;

    private Limits() {
    }
}
