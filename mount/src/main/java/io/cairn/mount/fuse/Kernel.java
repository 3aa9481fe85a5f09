package io.cairn.mount.fuse;

/** What a FUSE callback may ask about the request it serves, and of the kernel's caches. */
public interface Kernel {
    /** A kernel that tells nothing (no FUSE loop: unit tests). */
    Kernel NONE = new Kernel() {
        @Override
        public boolean interrupted() {
            return false;
        }

        @Override
        public long node() {
            return 0;
        }

        @Override
        public void forget(long node) {
        }
    };

    /** Whether the caller of the request being served gave up on it (a signal, a killed process). */
    boolean interrupted();

    /** The kernel's node id of the file the request being served is about; 0 when not known. */
    long node();

    /** Drops the kernel's cached attributes and pages of {@code node}, so that the next read and stat come here. */
    void forget(long node);
}
