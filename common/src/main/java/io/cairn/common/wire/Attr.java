package io.cairn.common.wire;

/**
 * An inode's attributes. {@code mode} holds the permission bits only (07777); the type is
 * {@code type}. Times are nanoseconds since the epoch. {@code target} is a symlink's target.
 */
public record Attr(long inode, FileType type, int mode, int uid, int gid, long size, int nlink,
                   long atimeNs, long mtimeNs, long ctimeNs, long rdev, String target) {

    public boolean isDir() {
        return type == FileType.DIR;
    }

    public boolean isFile() {
        return type == FileType.FILE;
    }
}
