package io.cairn.master.meta;

/**
 * A lock held on inode {@code inode}: of {@code kind} ({@link #POSIX} record locks or {@link #FLOCK}
 * whole-file locks, which Linux keeps apart), by {@code owner} (the kernel's lock owner) of mount
 * session {@code session}, {@link #READ} (shared) or {@link #WRITE} (exclusive), over bytes
 * {@code start..end} inclusive ({@code end} is {@code Long.MAX_VALUE} for "to the end of the file"),
 * for process {@code pid} on that mount's machine.
 */
public record LockRow(long inode, int kind, String session, long owner, int type, long start, long end, int pid) {
    public static final int POSIX = 0;
    public static final int FLOCK = 1;
    public static final int READ = 1;
    public static final int WRITE = 2;

    /** Whether this lock and {@code that} are held by the same owner of the same session. */
    public boolean sameOwner(String session, long owner) {
        return this.owner == owner && this.session.equals(session);
    }

    public boolean overlaps(long from, long to) {
        return start <= to && from <= end;
    }
}
