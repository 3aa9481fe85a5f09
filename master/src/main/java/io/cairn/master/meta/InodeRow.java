package io.cairn.master.meta;

import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;

/** One row of the inodes table, mutable only through {@code with*} copies. */
public record InodeRow(long id, FileType type, int mode, int uid, int gid, long size, int nlink,
                       long atimeNs, long mtimeNs, long ctimeNs, long rdev, String target) {

    public Attr toAttr() {
        return new Attr(id, type, mode, uid, gid, size, nlink, atimeNs, mtimeNs, ctimeNs, rdev, target);
    }

    public boolean isDir() {
        return type == FileType.DIR;
    }

    public InodeRow withNlink(int n, long ctime) {
        return new InodeRow(id, type, mode, uid, gid, size, n, atimeNs, mtimeNs, ctime, rdev, target);
    }

    public InodeRow withTimes(long atime, long mtime, long ctime) {
        return new InodeRow(id, type, mode, uid, gid, size, nlink, atime, mtime, ctime, rdev, target);
    }

    public InodeRow withMode(int m) {
        return new InodeRow(id, type, m, uid, gid, size, nlink, atimeNs, mtimeNs, ctimeNs, rdev, target);
    }

    public InodeRow withOwner(int u, int g) {
        return new InodeRow(id, type, mode, u, g, size, nlink, atimeNs, mtimeNs, ctimeNs, rdev, target);
    }

    public InodeRow withSize(long s) {
        return new InodeRow(id, type, mode, uid, gid, s, nlink, atimeNs, mtimeNs, ctimeNs, rdev, target);
    }
}
