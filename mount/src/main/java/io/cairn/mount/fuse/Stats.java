package io.cairn.mount.fuse;

import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ClusterStatus;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/** Fills the kernel's {@code struct stat} and {@code struct statvfs} from Cairn's records. */
public final class Stats {
    /** The block size {@code df} counts in. */
    public static final int BLOCK = 4096;
    /** The I/O size suggested to programs (st_blksize): one FUSE write (max_write). */
    public static final int IO_BLOCK = 131072;
    public static final int NAME_MAX = 255;
    /** Cairn has no fixed inode table; df -i shows this many free. */
    static final long FREE_INODES = 1L << 32;

    private Stats() {
    }

    /** {@code size}: the size to show (a file open for writing here may be ahead of the master). */
    public static void fill(FileStat st, Attr a, long size) {
        st.st_mode.set(a.type().modeBits() | (a.mode() & 07777));
        st.st_ino.set(a.inode());
        st.st_nlink.set(a.nlink());
        st.st_uid.set(a.uid());
        st.st_gid.set(a.gid());
        st.st_rdev.set(a.rdev());
        st.st_size.set(size);
        st.st_blksize.set(IO_BLOCK);
        st.st_blocks.set(blocks512(size));
        time(st.st_atim, a.atimeNs());
        time(st.st_mtim, a.mtimeNs());
        time(st.st_ctim, a.ctimeNs());
    }

    public static void fill(Statvfs st, ClusterStatus s) {
        long capacity = Math.max(0, s.capacity());
        long free = Math.max(0, capacity - Math.max(0, s.used()));
        st.f_bsize.set(BLOCK);
        st.f_frsize.set(BLOCK);
        st.f_blocks.set(capacity / BLOCK);
        st.f_bfree.set(free / BLOCK);
        st.f_bavail.set(free / BLOCK);
        st.f_files.set(Math.max(0, s.inodes()) + FREE_INODES);
        st.f_ffree.set(FREE_INODES);
        st.f_favail.set(FREE_INODES);
        st.f_namemax.set(NAME_MAX);
    }

    /** st_blocks counts 512-byte units, whatever the block size. */
    public static long blocks512(long size) {
        return (Math.max(0, size) + 511) / 512;
    }

    static void time(Timespec t, long ns) {
        t.tv_sec.set(Math.floorDiv(ns, 1_000_000_000L));
        t.tv_nsec.set(Math.floorMod(ns, 1_000_000_000L));
    }
}
