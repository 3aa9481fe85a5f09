package io.cairn.common.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The kinds of inode; the wire names are lower case. */
public enum FileType {
    @JsonProperty("file") FILE(0100000),
    @JsonProperty("dir") DIR(0040000),
    @JsonProperty("symlink") SYMLINK(0120000),
    @JsonProperty("fifo") FIFO(0010000),
    @JsonProperty("socket") SOCKET(0140000),
    @JsonProperty("chardev") CHARDEV(0020000),
    @JsonProperty("blockdev") BLOCKDEV(0060000);

    private final int modeBits;

    FileType(int modeBits) {
        this.modeBits = modeBits;
    }

    /** The S_IFMT bits of this type. */
    public int modeBits() {
        return modeBits;
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The type named by the S_IFMT bits of a mode, or null. */
    public static FileType fromMode(int mode) {
        int fmt = mode & 0170000;
        for (FileType t : values()) {
            if (t.modeBits == fmt) {
                return t;
            }
        }
        return null;
    }

    public static FileType fromOrdinal(int ordinal) {
        return values()[ordinal];
    }
}
