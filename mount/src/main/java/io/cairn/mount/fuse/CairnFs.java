package io.cairn.mount.fuse;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.Caller;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Limits;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.mount.file.ByteSink;
import io.cairn.mount.file.Handle;
import io.cairn.mount.file.Handles;
import io.cairn.mount.file.OpenFile;
import io.cairn.mount.file.OpenFiles;
import io.cairn.mount.locks.MountLocks;
import io.cairn.mount.meta.DirStream;
import io.cairn.mount.meta.Namespace;
import io.cairn.mount.metrics.FuseOps;
import jnr.ffi.Pointer;
import jnr.ffi.types.dev_t;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.uid_t;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

import java.nio.charset.StandardCharsets;

/**
 * The FUSE adapter: one method per kernel call, each a thin translation into {@link Namespace}
 * (metadata) or an {@link OpenFile} (bytes), run inside {@link Guard}.
 *
 * <p>jnr-fuse registers with libfuse only the methods overridden here; every other operation is
 * answered by libfuse itself with ENOSYS. Deliberate choices: extended attributes are kept by the
 * master ({@link XattrRules} for what the mount itself refuses); POSIX record locks and flock locks are
 * kept by the master ({@link MountLocks}), so they hold across mounts, with the cache coherence NFS
 * gives under locks (this mount's writes are committed before a lock is released, and a granted lock
 * drops this mount's and the kernel's cached data of the file when another mount changed it);
 * {@code access} is not needed with {@code default_permissions}.
 * {@code opendir}/{@code releasedir} keep one {@code DirStream} per directory handle, which
 * {@code readdir} serves a page at a time.
 */
public final class CairnFs extends FuseStubFS {
    private static final long UNCHANGED_ID = 0xFFFF_FFFFL;

    private final Namespace ns;
    private final OpenFiles files;
    private final Handles handles;
    private final int readAhead;
    private final Runnable onMounted;
    private final FuseCallers callers = new FuseCallers();
    private final FuseOps metrics;
    private final MountLocks locks;
    private final HiddenFiles hidden = new HiddenFiles();
    private volatile Kernel kernel = Kernel.NONE;

    public CairnFs(Namespace ns, OpenFiles files, Handles handles, int readAheadChunks, Runnable onMounted) {
        this(ns, files, handles, readAheadChunks, onMounted, FuseOps.off(), null);
    }

    /**
     * As above, with every call's latency, errno and bytes counted in {@code metrics}, and locks kept
     * through {@code locks} (null: ENOSYS, so the kernel keeps them on this machine only).
     */
    public CairnFs(Namespace ns, OpenFiles files, Handles handles, int readAheadChunks, Runnable onMounted,
                   FuseOps metrics, MountLocks locks) {
        this.metrics = metrics;
        this.locks = locks;
        this.ns = ns;
        this.files = files;
        this.handles = handles;
        this.readAhead = readAheadChunks;
        this.onMounted = onMounted;
    }

    /** libfuse's init: the kernel has accepted the mount. */
    @Override
    public Pointer init(Pointer conn) {
        onMounted.run();
        return null;
    }

    /** The FUSE loop has ended: keep jnr-fuse's shutdown hook from unmounting again. */
    public void unmounted() {
        mounted.set(false);
    }

    /**
     * The operations table jnr-fuse built, for {@link FuseLoop} to hand to libfuse, with the flag
     * bits jnr-fuse does not set by name ({@link OpFlags}: utimens may get {@code UTIME_OMIT}; the calls
     * on an open file come with a null path when libfuse can no longer name it).
     */
    ru.serce.jnrfuse.struct.FuseOperations operations() {
        OpFlags.set(fuseOperations, OpFlags.UTIME_OMIT_OK | OpFlags.NULLPATH_OK);
        return fuseOperations;
    }

    /** The FUSE loop serving this file system: what callbacks may ask of the kernel. */
    void kernel(Kernel k) {
        this.kernel = k;
    }

    void markMounted(boolean on) {
        mounted.set(on);
    }

    // ---- attributes

    @Override
    public int getattr(String path, FileStat stat) {
        return call("getattr", path, () -> {
            Attr a = attrOf(path);
            Stats.fill(stat, a, shownSize(a));
            return 0;
        });
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        if (path != null) {
            return getattr(path, stat);
        }
        return call("fgetattr", null, () -> { // a hidden file whose directory was removed: libfuse cannot name it
            Handle h = handles.get(fi.fh.get());
            if (h == null) {
                return -ErrorCodes.EBADF();
            }
            Attr a = ns.attr(h.file().inode());
            Stats.fill(stat, a, shownSize(a));
            return 0;
        });
    }

    /** The attributes of {@code path}: by inode for a name libfuse hides an open file under ({@link HiddenFiles}). */
    private Attr attrOf(String path) throws java.io.IOException {
        HiddenFiles.Hidden h = hidden.get(path);
        return h == null ? ns.attr(path) : ns.attr(h.inode());
    }

    /** chmod, chown, utimens of {@code path}, or of the inode of a hidden name. */
    private void setAttr(String path, Integer mode, Integer uid, Integer gid, Long atimeNs, Long mtimeNs)
            throws java.io.IOException {
        HiddenFiles.Hidden h = hidden.get(path);
        if (h == null) {
            ns.setAttr(path, mode, uid, gid, atimeNs, mtimeNs);
        } else {
            ns.setAttr(h.inode(), mode, uid, gid, atimeNs, mtimeNs);
        }
    }

    /** A file with writes pending on this mount is as long as this mount says, not as the master says yet. */
    private long shownSize(Attr a) {
        if (a.isFile()) {
            OpenFile f = files.get(a.inode());
            if (f != null && f.hasLocalChanges()) {
                return f.size();
            }
        }
        return a.size();
    }

    @Override
    public int chmod(String path, @mode_t long mode) {
        return call("chmod", path, () -> {
            setAttr(path, (int) (mode & 07777), null, null, null, null);
            return 0;
        });
    }

    @Override
    public int chown(String path, @uid_t long uid, @gid_t long gid) {
        return call("chown", path, () -> {
            Integer u = id(uid);
            Integer g = id(gid);
            if (u != null || g != null) {
                setAttr(path, null, u, g, null, null);
            }
            return 0;
        });
    }

    /** chown passes 4294967295 ((uid_t) -1) for "leave unchanged". */
    static Integer id(long v) {
        return v == UNCHANGED_ID || v == -1 ? null : (int) v;
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return call("utimens", path, () -> {
            Long atime;
            Long mtime;
            try {
                atime = Times.toSetAttr(timespec[0].tv_sec.get(), timespec[0].tv_nsec.longValue());
                mtime = Times.toSetAttr(timespec[1].tv_sec.get(), timespec[1].tv_nsec.longValue());
            } catch (ArithmeticException e) {
                return -ErrorCodes.EOVERFLOW(); // outside 1677..2262, what 64-bit nanoseconds hold
            } catch (IllegalArgumentException e) {
                return -ErrorCodes.EINVAL();
            }
            Attr a = attrOf(path);
            OpenFile f = a.isFile() ? files.get(a.inode()) : null;
            if (f != null && f.hasLocalChanges()) {
                f.flush(); // cp -p sets times before close: they must land after the data's commit
            }
            setAttr(path, null, null, null, atime, mtime);
            return 0;
        });
    }

    @Override
    public int truncate(String path, @off_t long size) {
        return call("truncate", path, () -> {
            if (size > Limits.MAX_FILE_SIZE) {
                return -ErrorCodes.EFBIG(); // truncate -s 9223372036854775807: past the largest file
            }
            Attr a = attrOf(path);
            OpenFile f = a.isFile() ? files.get(a.inode()) : null;
            if (f != null) {
                f.truncate(size);
            } else {
                ns.truncate(path, size);
            }
            return 0;
        });
    }

    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return call("ftruncate", path, () -> {
            Handle h = handles.get(fi.fh.get());
            if (h == null) {
                return path == null ? -ErrorCodes.EBADF() : truncate(path, size);
            }
            h.file().truncate(size);
            return 0;
        });
    }

    /** fallocate(2)'s only mode besides 0 that Cairn honours. */
    static final int FALLOC_FL_KEEP_SIZE = 0x01;

    /**
     * Mode 0 grows the file to {@code offset + length} when it is shorter (what posix_fallocate
     * does), reading as zeros; it reserves no space on the datanodes, which allocate a chunk when it is
     * written. {@code FALLOC_FL_KEEP_SIZE} changes nothing, for the same reason. Punching holes,
     * collapsing, zeroing and inserting ranges are EOPNOTSUPP. (A write that extends the file at the
     * same moment as a mode 0 fallocate through another descriptor may be cut back to the
     * fallocate's end: callers allocate before they write.)
     */
    @Override
    public int fallocate(String path, int mode, @off_t long offset, @off_t long length, FuseFileInfo fi) {
        return call("fallocate", path, () -> {
            if ((mode & ~FALLOC_FL_KEEP_SIZE) != 0) {
                return -ErrorCodes.EOPNOTSUPP();
            }
            if (offset < 0 || length <= 0) {
                return -ErrorCodes.EINVAL();
            }
            if (offset > Limits.MAX_FILE_SIZE - length) {
                return -ErrorCodes.EFBIG();
            }
            Handle h = handles.get(fi.fh.get());
            if (h == null || !h.writable()) {
                return -ErrorCodes.EBADF();
            }
            long end = offset + length;
            if (mode == 0 && h.file().size() < end) {
                h.file().truncate(end);
            }
            return 0;
        });
    }

    // ---- directories and names

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return call("opendir", path, () -> {
            fi.fh.set(ns.dirs().open(path));
            return 0;
        });
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, @off_t long offset, FuseFileInfo fi) {
        return call("readdir", path, () -> {
            DirStream d = ns.dirs().get(fi.fh.get());
            if (d == null) {
                return -ErrorCodes.EBADF();
            }
            // a page at a time: each entry carries the offset to resume from, and libfuse asks again
            // with it when the kernel's buffer is full
            d.read(offset, (name, next) -> filter.apply(buf, name, null, next) == 0);
            return 0;
        });
    }

    @Override
    public int releasedir(String path, FuseFileInfo fi) {
        return call("releasedir", path, () -> {
            ns.dirs().release(fi.fh.get());
            return 0;
        });
    }

    @Override
    public int fsyncdir(String path, FuseFileInfo fi) {
        // every namespace change is committed by the master before it answers (a crash of any
        // process keeps it); the barrier makes the changes so far survive a power cut too
        return call("fsyncdir", path, () -> {
            ns.sync();
            return 0;
        });
    }

    @Override
    public int mkdir(String path, @mode_t long mode) {
        return call("mkdir", path, () -> {
            int[] who = caller();
            ns.mkdir(path, (int) (mode & 07777), who[0], who[1]);
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        return call("rmdir", path, () -> {
            ns.rmdir(path);
            return 0;
        });
    }

    @Override
    public int unlink(String path) {
        return call("unlink", path, () -> {
            HiddenFiles.Hidden h = hidden.remove(path);
            if (h != null) {
                ns.release(h.session(), h.inode()); // the last close of a file whose names went: now it goes
            } else {
                ns.unlink(path);
            }
            return 0;
        });
    }

    /**
     * A rename to a {@code .fuse_hidden*} name of a file open here is libfuse hiding it, because its
     * last name here is being removed (unlink, or a rename over it): the master removes the name and
     * keeps the file for this mount's session, and the hidden name lives in this mount only
     * ({@link HiddenFiles}).
     */
    @Override
    public int rename(String oldpath, String newpath) {
        // fuse2 has no renameat2 flags: RENAME_NOREPLACE/RENAME_EXCHANGE fail with EINVAL in the kernel
        return call("rename", oldpath, newpath, () -> {
            OpenFile open = HiddenFiles.hiddenName(newpath) && locks != null ? openHere(oldpath) : null;
            if (open == null) {
                ns.rename(oldpath, newpath);
            } else {
                String session = locks.withSession(s -> {
                    ns.unlink(oldpath, s);
                    return s;
                });
                hidden.put(newpath, open.inode(), session);
            }
            return 0;
        });
    }

    /** The open file {@code path} names, when this mount has it open; else null. */
    private OpenFile openHere(String path) throws java.io.IOException {
        Attr a;
        try {
            a = ns.attr(path);
        } catch (CairnException e) {
            if (e.code() == ErrorCode.ENOENT) {
                return null;
            }
            throw e;
        }
        return a.isFile() ? files.get(a.inode()) : null;
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return call("symlink", newpath, oldpath, () -> {
            int[] who = caller();
            ns.symlink(newpath, oldpath, who[0], who[1]);
            return 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, @size_t long size) {
        return call("readlink", path, () -> {
            Attr a = ns.attr(path);
            if (a.type() != FileType.SYMLINK || a.target() == null || size <= 0) {
                return -ErrorCodes.EINVAL();
            }
            byte[] target = a.target().getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int link(String oldpath, String newpath) {
        return call("link", newpath, oldpath, () -> {
            ns.link(oldpath, newpath);
            return 0;
        });
    }

    @Override
    public int mknod(String path, @mode_t long mode, @dev_t long rdev) {
        return call("mknod", path, () -> {
            FileType type = (mode & 0170000) == 0 ? FileType.FILE : FileType.fromMode((int) mode);
            if (type == null || type == FileType.DIR || type == FileType.SYMLINK) {
                return -ErrorCodes.EINVAL();
            }
            boolean device = type == FileType.CHARDEV || type == FileType.BLOCKDEV;
            int[] who = caller();
            ns.create(path, type, (int) (mode & 07777), who[0], who[1], device ? rdev : null, true);
            return 0;
        });
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        return call("statfs", path, () -> {
            Stats.fill(stbuf, ns.status());
            return 0;
        });
    }

    // ---- open files

    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return call("create", path, () -> {
            int flags = fi.flags.get();
            int[] who = caller();
            // the answer carries the first chunk's allocation: a small file's close then skips that call
            Replies.Created c = ns.createForWriting(path, (int) (mode & 07777), who[0], who[1],
                    OpenFlags.has(flags, OpenFlags.EXCL));
            Attr a = c.attr();
            if (!a.isFile()) {
                return -ErrorCodes.EEXIST(); // lost a race with a mkdir/mknod of the same name
            }
            return openHandle(a, flags, fi, c.allocation());
        });
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return call("open", path, () -> {
            Attr a;
            try {
                a = ns.freshAttr(path); // close-to-open: never trust cached attributes here
            } catch (CairnException e) {
                if (e.code() != ErrorCode.ENOENT) {
                    throw e;
                }
                // the kernel looked the name up from its cache, and another mount removed or
                // replaced it since: ESTALE makes the kernel look it up afresh and try once more
                // (an O_CREAT open then creates it), as it does for NFS
                return -ErrorCodes.ESTALE();
            }
            if (a.isDir()) {
                return -ErrorCodes.EISDIR();
            }
            if (!a.isFile()) {
                return -ErrorCodes.EINVAL(); // the kernel opens FIFOs and devices itself
            }
            return openHandle(a, fi.flags.get(), fi, null);
        });
    }

    private int openHandle(Attr a, int flags, FuseFileInfo fi, Allocation first) throws Exception {
        boolean writable = OpenFlags.writable(flags);
        OpenFile f = files.open(a.inode(), a.size());
        if (writable) {
            f.actAs(Caller.current()); // its writes are committed as the last process that opened it for writing
        }
        if (first != null && writable) {
            f.offer(first);
        }
        long fh = handles.add(new Handle(f, writable, OpenFlags.has(flags, OpenFlags.APPEND)));
        try {
            if (writable && OpenFlags.has(flags, OpenFlags.TRUNC) && f.size() > 0) {
                f.truncate(0);
            }
        } catch (Exception e) {
            handles.remove(fh);
            files.release(f);
            throw e;
        }
        fi.fh.set(fh);
        return 0;
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return call("read", path, () -> {
            Handle h = handles.get(fi.fh.get());
            if (h == null) {
                return -ErrorCodes.EBADF();
            }
            int ahead = h.sequential(offset, size) ? readAhead : 0;
            return h.file().read(offset, (int) Math.min(size, Integer.MAX_VALUE), sink(buf), ahead);
        });
    }

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return call("write", path, () -> {
            Handle h = handles.get(fi.fh.get());
            if (h == null || !h.writable()) {
                return -ErrorCodes.EBADF();
            }
            int n = (int) Math.min(size, Integer.MAX_VALUE);
            return h.file().write(offset, n, buf::get, h.append()); // fewer only at the largest file's end
        });
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return call("flush", path, () -> {
            Handle h = handles.get(fi.fh.get());
            if (h == null) {
                return -ErrorCodes.EBADF();
            }
            if (h.writable()) {
                h.file().flush(); // close() returns only when the bytes are on their replicas and committed
            }
            return 0;
        });
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return call("fsync", path, () -> {
            Handle h = handles.get(fi.fh.get());
            if (h == null) {
                return -ErrorCodes.EBADF();
            }
            // flush, then every chunk this mount wrote to the file and has not synced (through any
            // descriptor, open now or closed) is synced on R live replicas. msync(MS_SYNC) of a shared
            // mapping arrives here too: the kernel writes the dirty pages back, then asks for an fsync.
            h.file().fsync();
            ns.sync(); // then the file's name, size and chunk list survive a power cut as its bytes do
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return call("release", path, () -> {
            Handle h = handles.remove(fi.fh.get());
            if (h != null) {
                try {
                    // the last close of a file description that took a flock lock releases it
                    // (libfuse passes that on to release, with the lock's owner)
                    long owner = fi.lock_owner.get();
                    if (locks != null && locks.mayHold(h.file().inode(), MountLocks.FLOCK, owner)) {
                        apply(path, h, MountLocks.FLOCK, owner, MountLocks.UNLOCK, 0, Long.MAX_VALUE, 0, false);
                    }
                } finally {
                    files.release(h.file());
                }
                long inode = h.file().inode();
                if (path == null && files.get(inode) == null) {
                    // a hidden file whose directory was removed: libfuse cannot name it to unlink it
                    for (HiddenFiles.Hidden gone : hidden.removeInode(inode)) {
                        ns.release(gone.session(), inode);
                    }
                }
            }
            return 0; // the kernel ignores it: errors were reported by flush
        });
    }

    // ---- locks across mounts

    private static final int F_GETLK = 5;
    private static final int F_SETLK = 6;
    private static final int F_SETLKW = 7;
    private static final int LOCK_SH = 1;
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    private static final int LOCK_UN = 8;

    /** fcntl record locks (F_GETLK, F_SETLK, F_SETLKW); libfuse also sends an unlock of everything at every close. */
    @Override
    public int lock(String path, FuseFileInfo fi, int cmd, Flock flock) {
        return call("lock", path, () -> {
            if (locks == null) {
                return -ErrorCodes.ENOSYS();
            }
            Handle h = handles.get(fi.fh.get());
            if (h == null) {
                return -ErrorCodes.EBADF();
            }
            int lt = flock.l_type.get();
            int type = lt == Flock.F_RDLCK ? MountLocks.READ : lt == Flock.F_WRLCK ? MountLocks.WRITE
                    : lt == Flock.F_UNLCK ? MountLocks.UNLOCK : -1;
            long start = flock.l_start.get();
            long len = flock.l_len.get();
            if (type < 0 || start < 0 || len < 0) {
                return -ErrorCodes.EINVAL(); // the kernel hands over ranges from l_start, of a length >= 0
            }
            long end = len == 0 || start + len - 1 < start ? Long.MAX_VALUE : start + len - 1;
            int pid = (int) flock.l_pid.get();
            long owner = fi.lock_owner.get();
            if (cmd == F_GETLK) {
                if (type == MountLocks.UNLOCK) {
                    return -ErrorCodes.EINVAL();
                }
                var c = locks.test(h.file().inode(), MountLocks.POSIX, owner, type, start, end, pid);
                if (c == null) {
                    flock.l_type.set(Flock.F_UNLCK);
                } else {
                    flock.l_type.set("write".equals(c.type()) ? Flock.F_WRLCK : Flock.F_RDLCK);
                    flock.l_whence.set(0); // SEEK_SET
                    flock.l_start.set(c.start());
                    flock.l_len.set(c.end() == Long.MAX_VALUE ? 0 : c.end() - c.start() + 1);
                    flock.l_pid.set(c.sameSession() ? c.pid() : 0); // another machine's pid means nothing here
                }
                return 0;
            }
            if (cmd != F_SETLK && cmd != F_SETLKW) {
                return -ErrorCodes.EINVAL();
            }
            return apply(path, h, MountLocks.POSIX, owner, type, start, end, pid, cmd == F_SETLKW);
        });
    }

    /** flock(2): whole-file locks, apart from record locks as on Linux; released at the last close. */
    @Override
    public int flock(String path, FuseFileInfo fi, int op) {
        return call("flock", path, () -> {
            if (locks == null) {
                return -ErrorCodes.ENOSYS();
            }
            Handle h = handles.get(fi.fh.get());
            if (h == null) {
                return -ErrorCodes.EBADF();
            }
            int type = (op & LOCK_UN) != 0 ? MountLocks.UNLOCK : (op & LOCK_EX) != 0 ? MountLocks.WRITE
                    : (op & LOCK_SH) != 0 ? MountLocks.READ : -1;
            if (type < 0) {
                return -ErrorCodes.EINVAL();
            }
            FuseContext ctx = getContext();
            int pid = ctx == null ? 0 : (int) ctx.pid.get();
            return apply(path, h, MountLocks.FLOCK, fi.lock_owner.get(), type, 0, Long.MAX_VALUE, pid, (op & LOCK_NB) == 0);
        });
    }

    /**
     * Takes or releases a lock through the master. Before a release (or a write lock turned into a
     * read lock) this mount's writes to the file are committed, so the next holder on any mount
     * reads them; after a grant, when another mount changed the file since this mount last held a
     * lock on it, this mount's cached attributes and chunk list and the kernel's cached pages of the
     * file are dropped, so the holder reads what is there now.
     */
    private int apply(String path, Handle h, int kind, long owner, int type, long start, long end, int pid, boolean wait)
            throws java.io.IOException {
        OpenFile f = h.file();
        long inode = f.inode();
        if (type != MountLocks.WRITE && locks.mayHold(inode, kind, owner) && f.hasLocalChanges()) {
            f.flush();
        }
        long node = kernel.node();
        MountLocks.Result r;
        try {
            r = locks.lock(inode, kind, owner, type, start, end, pid, wait, kernel::interrupted);
        } catch (MountLocks.Interrupted e) {
            return -ErrorCodes.EINTR();
        }
        if (!r.granted()) {
            return -ErrorCodes.EAGAIN();
        }
        if (r.changed() && r.attr() != null) {
            ns.changed(r.attr());
            if (path != null) {
                ns.lockedChanged(path);
            }
            files.revalidate(inode, r.attr().size());
            kernel.forget(node);
        }
        return 0;
    }

    // ---- not supported, on purpose

    @Override
    public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        return call("setxattr", path, name, () -> {
            int refused = XattrRules.refuse(name);
            if (refused != 0) {
                return refused;
            }
            if (size > Limits.XATTR_SIZE_MAX) {
                return -ErrorCodes.E2BIG();
            }
            byte[] v = new byte[(int) size];
            if (size > 0) {
                value.get(0, v, 0, v.length);
            }
            ns.setXattr(path, name, v, flags & (Requests.SetXattr.CREATE | Requests.SetXattr.REPLACE));
            return 0;
        });
    }

    @Override
    public int getxattr(String path, String name, Pointer value, @size_t long size) {
        return call("getxattr", path, name, () -> {
            int refused = XattrRules.refuse(name);
            if (refused != 0) {
                return refused;
            }
            byte[] v = ns.getXattr(path, name);
            if (size == 0) {
                return v.length; // the caller asks how big a buffer to bring
            }
            if (v.length > size) {
                return -ErrorCodes.ERANGE();
            }
            value.put(0, v, 0, v.length);
            return v.length;
        });
    }

    @Override
    public int listxattr(String path, Pointer list, @size_t long size) {
        return call("listxattr", path, () -> {
            byte[] names = XattrRules.listing(ns.listXattrs(path), caller()[0] == 0);
            if (size == 0) {
                return names.length;
            }
            if (names.length > size) {
                return -ErrorCodes.ERANGE();
            }
            list.put(0, names, 0, names.length);
            return names.length;
        });
    }

    @Override
    public int removexattr(String path, String name) {
        return call("removexattr", path, name, () -> {
            int refused = XattrRules.refuse(name);
            if (refused != 0) {
                return refused;
            }
            ns.removeXattr(path, name);
            return 0;
        });
    }

    // ----

    /**
     * {@link Guard#call}, as the process behind the FUSE request ({@code X-Cairn-As} on the master
     * calls it makes): every callback passes here, so here it is timed and its answer counted.
     */
    private int call(String op, String path, Guard.Body body) {
        if (!metrics.on()) {
            return Guard.call(op, path, () -> Caller.as(who(), body::run));
        }
        long start = System.nanoTime();
        int r = Guard.call(op, path, () -> Caller.as(who(), body::run));
        metrics.record(op, start, r);
        return r;
    }

    private int call(String op, String path, String other, Guard.Body body) {
        if (!metrics.on()) {
            return Guard.call(op, path, other, () -> Caller.as(who(), body::run));
        }
        long start = System.nanoTime();
        int r = Guard.call(op, path, other, () -> Caller.as(who(), body::run));
        metrics.record(op, start, r);
        return r;
    }

    private Caller who() throws CairnException {
        FuseContext ctx = getContext();
        if (ctx == null) {
            throw new CairnException(ErrorCode.EIO, "no FUSE context");
        }
        return callers.of(ctx.uid.get(), ctx.gid.get(), ctx.pid.get());
    }

    /** The uid and gid of the process making the call (new entries belong to it). */
    private int[] caller() throws CairnException {
        FuseContext ctx = getContext();
        if (ctx == null) {
            throw new CairnException(ErrorCode.EIO, "no FUSE context");
        }
        return new int[] {(int) ctx.uid.get(), (int) ctx.gid.get()};
    }

    private static ByteSink sink(Pointer buf) {
        return new ByteSink() {
            @Override
            public void put(long dstOffset, byte[] src, int srcOffset, int length) {
                buf.put(dstOffset, src, srcOffset, length);
            }

            @Override
            public void zero(long dstOffset, int length) {
                buf.setMemory(dstOffset, length, (byte) 0);
            }
        };
    }
}
