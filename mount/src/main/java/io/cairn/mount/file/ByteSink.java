package io.cairn.mount.file;

import java.util.Arrays;

/** Where read bytes go (the kernel's buffer in the mount; an array in tests). */
public interface ByteSink {
    void put(long dstOffset, byte[] src, int srcOffset, int length);

    /** Fills {@code length} bytes at {@code dstOffset} with zeros (a hole, or past a chunk's used length). */
    void zero(long dstOffset, int length);

    static ByteSink of(byte[] bytes) {
        return new ByteSink() {
            @Override
            public void put(long dstOffset, byte[] src, int srcOffset, int length) {
                System.arraycopy(src, srcOffset, bytes, (int) dstOffset, length);
            }

            @Override
            public void zero(long dstOffset, int length) {
                Arrays.fill(bytes, (int) dstOffset, (int) dstOffset + length, (byte) 0);
            }
        };
    }
}
