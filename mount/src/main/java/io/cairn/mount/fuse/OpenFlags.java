package io.cairn.mount.fuse;

/** The open(2) flags the mount looks at, with this platform's values. */
final class OpenFlags {
    static final int ACCMODE = jnr.constants.platform.OpenFlags.O_ACCMODE.intValue();
    static final int RDONLY = jnr.constants.platform.OpenFlags.O_RDONLY.intValue();
    static final int TRUNC = jnr.constants.platform.OpenFlags.O_TRUNC.intValue();
    static final int APPEND = jnr.constants.platform.OpenFlags.O_APPEND.intValue();
    static final int EXCL = jnr.constants.platform.OpenFlags.O_EXCL.intValue();

    private OpenFlags() {
    }

    static boolean writable(int flags) {
        return (flags & ACCMODE) != RDONLY;
    }

    static boolean has(int flags, int flag) {
        return (flags & flag) != 0;
    }
}
