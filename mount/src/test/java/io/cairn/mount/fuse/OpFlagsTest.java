package io.cairn.mount.fuse;

import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.struct.FuseOperations;

import static org.assertj.core.api.Assertions.assertThat;

class OpFlagsTest {
    @Test
    void theFlagWordFollowsTheThirtyEightCallbacksBeforeIt() {
        FuseOperations ops = new FuseOperations(Runtime.getSystemRuntime());
        long ptr = Runtime.getSystemRuntime().addressSize();
        assertThat(OpFlags.offset(ops)).isEqualTo(38 * ptr); // getattr .. bmap, as in libfuse 2.9's fuse.h
        assertThat(ops.ioctl.offset()).isEqualTo(39 * ptr); // the word is padded to a pointer's width
    }

    @Test
    void settingABitKeepsTheOthers() {
        FuseOperations ops = new FuseOperations(Runtime.getSystemRuntime());
        OpFlags.set(ops, 1);
        OpFlags.set(ops, OpFlags.UTIME_OMIT_OK);
        assertThat(OpFlags.get(ops)).isEqualTo(1 | 4);
        long ptr = Runtime.getSystemRuntime().addressSize();
        assertThat(jnr.ffi.Struct.getMemory(ops).getAddress(39 * ptr)).isZero(); // ioctl untouched
    }

    @Test
    void theBitsAreThoseOfLibfusesBitFields() {
        assertThat(OpFlags.NULLPATH_OK).isEqualTo(1); // flag_nullpath_ok, the first
        assertThat(OpFlags.UTIME_OMIT_OK).isEqualTo(4); // flag_utime_omit_ok, after flag_nopath
    }
}
