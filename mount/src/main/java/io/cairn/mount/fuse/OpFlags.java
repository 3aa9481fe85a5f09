package io.cairn.mount.fuse;

import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * The flag bits of libfuse 2.9's {@code struct fuse_operations}, which jnr-fuse 0.5.8 declares only
 * as padding: one {@code unsigned int} of bit-fields right after the {@code bmap} pointer, bit 0
 * {@code flag_nullpath_ok}, bit 1 {@code flag_nopath}, bit 2 {@code flag_utime_omit_ok} (x86_64 and
 * aarch64 Linux: bit-fields fill from the lowest bit). libfuse copies the struct when it mounts, so
 * the bits must be set in its memory before that.
 */
final class OpFlags {
    /**
     * The calls on an open file (read, write, flush, fsync, release, lock, flock, fgetattr, ftruncate)
     * come with a null path where libfuse can no longer name the file (a hidden file whose directory
     * was removed), instead of failing with ENOENT.
     */
    static final int NULLPATH_OK = 1;
    /** utimens may get {@code UTIME_OMIT} and {@code UTIME_NOW}, so {@code touch -a} and {@code touch -m} reach it. */
    static final int UTIME_OMIT_OK = 1 << 2;

    private OpFlags() {
    }

    /** Where the flag word is: just past the {@code bmap} pointer. */
    static long offset(FuseOperations ops) {
        return ops.bmap.offset() + Runtime.getSystemRuntime().addressSize();
    }

    static void set(FuseOperations ops, int bits) {
        Pointer mem = Struct.getMemory(ops);
        long at = offset(ops);
        mem.putInt(at, mem.getInt(at) | bits);
    }

    static int get(FuseOperations ops) {
        return Struct.getMemory(ops).getInt(offset(ops));
    }
}
