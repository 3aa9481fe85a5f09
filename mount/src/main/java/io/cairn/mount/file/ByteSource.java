package io.cairn.mount.file;

/** Where written bytes come from (the kernel's buffer in the mount; an array in tests). */
@FunctionalInterface
public interface ByteSource {
    /** Copies {@code length} bytes from {@code srcOffset} of this source into {@code dst[dstOffset..]}. */
    void get(long srcOffset, byte[] dst, int dstOffset, int length);

    static ByteSource of(byte[] bytes) {
        return (srcOffset, dst, dstOffset, length) -> System.arraycopy(bytes, (int) srcOffset, dst, dstOffset, length);
    }
}
