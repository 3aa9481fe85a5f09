package io.cairn.common.wire;

/** One directory entry with the attributes of the inode it names. */
public record DirEntry(String name, Attr attr) {
}
