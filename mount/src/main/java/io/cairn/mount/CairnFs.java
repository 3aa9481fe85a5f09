package io.cairn.mount;

import io.cairn.common.client.Cluster;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ClusterStatus;
import io.cairn.common.wire.DirEntry;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Requests;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The FUSE adapter: each kernel call becomes calls to the master (metadata) and, through
 * {@link FileData}, to datanodes (bytes). Every callback is guarded: a Cairn error becomes its
 * errno, anything unexpected is logged and becomes EIO. What is not supported says so on purpose.
 */
final class CairnFs extends FuseStubFS {
    private static final Logger LOG = LoggerFactory.getLogger(CairnFs.class);
    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;
    private static final long KEEP_ID = 4294967295L;
    private static final int O_EXCL = 0200;

    private final Cluster cluster;
    private final AttrCache attrs;
    private final DirtyBudget budget = new DirtyBudget(12, 4);
    private final ChunkCache cache;
    private final int chunkSize;
    private final Map<Long, FileData> open = new ConcurrentHashMap<>();
    private final Map<Long, FileData> handles = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);

    CairnFs(Cluster cluster, Duration attrTimeout, int chunkSize) {
        this.cluster = cluster;
        this.attrs = new AttrCache(attrTimeout);
        this.cache = new ChunkCache(cluster.chunkReader(), cluster.pool(), 6);
        this.chunkSize = chunkSize;
    }

    @FunctionalInterface
    private interface Op {
        int run() throws Exception;
    }

    private int guard(String name, String path, Op op) {
        try {
            return op.run();
        } catch (CairnException e) {
            if (e.code() == ErrorCode.EIO || e.code() == ErrorCode.EBADMSG) {
                LOG.warn("{} {}: {}", name, path, e.getMessage());
            } else {
                LOG.debug("{} {}: {}", name, path, e.getMessage());
            }
            return Errnos.of(e);
        } catch (IOException e) {
            LOG.warn("{} {}: {}", name, path, e.toString());
            return Errnos.EIO;
        } catch (Exception | Error e) {
            LOG.error("{} {} failed", name, path, e);
            return Errnos.EIO;
        }
    }

    // ---- attributes

    private Attr attr(String path) throws IOException {
        Attr a = attrs.get(path);
        if (a == null) {
            a = cluster.master().attr(path);
            attrs.put(path, a);
        }
        return a;
    }

    private void fill(Attr a, FileStat st) {
        long size = a.size();
        FileData fd = open.get(a.inode());
        if (fd != null && a.isFile()) {
            size = fd.size();
        }
        st.st_mode.set(a.type().modeBits() | (a.mode() & 07777));
        st.st_ino.set(a.inode());
        st.st_nlink.set(a.nlink());
        st.st_uid.set(a.uid());
        st.st_gid.set(a.gid());
        st.st_size.set(size);
        st.st_blocks.set((size + 511) / 512);
        st.st_blksize.set(chunkSize);
        st.st_rdev.set(a.rdev());
        time(st.st_atim, a.atimeNs());
        time(st.st_mtim, a.mtimeNs());
        time(st.st_ctim, a.ctimeNs());
    }

    private static void time(Timespec t, long ns) {
        t.tv_sec.set(Math.floorDiv(ns, 1_000_000_000L));
        t.tv_nsec.set(Math.floorMod(ns, 1_000_000_000L));
    }

    @Override
    public int getattr(String path, FileStat stat) {
        return guard("getattr", path, () -> {
            fill(attr(path), stat);
            return 0;
        });
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return guard("fgetattr", path, () -> {
            FileData fd = handles.get(fi.fh.get());
            fill(fd != null ? cluster.master().attr(fd.inode) : attr(path), stat);
            return 0;
        });
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
        return guard("readdir", path, () -> {
            filter.apply(buf, ".", null, 0);
            filter.apply(buf, "..", null, 0);
            String prefix = path.equals("/") ? "/" : path + "/";
            for (DirEntry e : cluster.master().listAll(path)) {
                attrs.put(prefix + e.name(), e.attr()); // ls -l then costs no request per entry
                if (filter.apply(buf, e.name(), null, 0) != 0) {
                    break;
                }
            }
            return 0;
        });
    }

    @Override
    public int statfs(String path, Statvfs st) {
        return guard("statfs", path, () -> {
            ClusterStatus s = cluster.master().status();
            long bs = 4096;
            st.f_bsize.set(bs);
            st.f_frsize.set(bs);
            st.f_blocks.set(s.capacity() / bs);
            st.f_bfree.set(Math.max(0, s.capacity() - s.used()) / bs);
            st.f_bavail.set(Math.max(0, s.capacity() - s.used()) / bs);
            st.f_files.set(s.inodes() + 1_000_000_000L);
            st.f_ffree.set(1_000_000_000L);
            st.f_favail.set(1_000_000_000L);
            st.f_namemax.set(255);
            return 0;
        });
    }

    // ---- namespace

    private int uid() {
        return (int) getContext().uid.get();
    }

    private int gid() {
        return (int) getContext().gid.get();
    }

    private static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    private void changed(String path) {
        attrs.invalidate(path);
        attrs.invalidate(parent(path));
    }

    @Override
    public int mkdir(String path, long mode) {
        return guard("mkdir", path, () -> {
            attrs.put(path, cluster.master().mkdir(path, (int) mode & 07777, uid(), gid(), false));
            attrs.invalidate(parent(path));
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        return guard("rmdir", path, () -> {
            cluster.master().rmdir(path);
            attrs.invalidateTree(path);
            attrs.invalidate(parent(path));
            return 0;
        });
    }

    @Override
    public int unlink(String path) {
        return guard("unlink", path, () -> {
            Attr a = attrs.get(path);
            cluster.master().unlink(path);
            changed(path);
            if (a != null) {
                attrs.invalidateInode(a.inode());
            }
            return 0;
        });
    }

    @Override
    public int rename(String from, String to) {
        return guard("rename", from, () -> {
            cluster.master().rename(from, to, false);
            attrs.invalidateTree(from);
            attrs.invalidateTree(to);
            attrs.invalidate(parent(from));
            attrs.invalidate(parent(to));
            return 0;
        });
    }

    @Override
    public int symlink(String target, String path) {
        return guard("symlink", path, () -> {
            attrs.put(path, cluster.master().symlink(path, target, uid(), gid()));
            attrs.invalidate(parent(path));
            return 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        return guard("readlink", path, () -> {
            Attr a = attr(path);
            if (a.type() != FileType.SYMLINK) {
                return Errnos.EINVAL;
            }
            byte[] t = a.target().getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(t.length, size - 1);
            buf.put(0, t, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int link(String existing, String path) {
        return guard("link", path, () -> {
            Attr a = cluster.master().link(existing, path);
            attrs.invalidateInode(a.inode());
            attrs.put(path, a);
            attrs.invalidate(parent(path));
            return 0;
        });
    }

    @Override
    public int mknod(String path, long mode, long rdev) {
        return guard("mknod", path, () -> {
            FileType type = FileType.fromMode((int) mode);
            if (type == null || type == FileType.DIR || type == FileType.SYMLINK) {
                return Errnos.EINVAL;
            }
            attrs.put(path, cluster.master().create(path, type, (int) mode & 07777, uid(), gid(), rdev, true));
            attrs.invalidate(parent(path));
            return 0;
        });
    }

    @Override
    public int chmod(String path, long mode) {
        return guard("chmod", path, () -> {
            attrs.put(path, cluster.master().setAttr(new Requests.SetAttr(path, null, (int) mode & 07777, null, null,
                    null, null, null)));
            return 0;
        });
    }

    @Override
    public int chown(String path, long uid, long gid) {
        return guard("chown", path, () -> {
            Integer u = uid == KEEP_ID || uid == -1 ? null : (int) uid;
            Integer g = gid == KEEP_ID || gid == -1 ? null : (int) gid;
            attrs.put(path, cluster.master().setAttr(new Requests.SetAttr(path, null, null, u, g, null, null, null)));
            return 0;
        });
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return guard("utimens", path, () -> {
            Long atime = when(timespec[0]);
            Long mtime = when(timespec[1]);
            attrs.put(path, cluster.master().setAttr(new Requests.SetAttr(path, null, null, null, null, null, atime, mtime)));
            return 0;
        });
    }

    private static Long when(Timespec t) {
        long nsec = t.tv_nsec.longValue();
        if (nsec == UTIME_OMIT) {
            return null;
        }
        if (nsec == UTIME_NOW) {
            return Requests.SetAttr.NOW;
        }
        return t.tv_sec.get() * 1_000_000_000L + nsec;
    }

    @Override
    public int truncate(String path, long size) {
        return guard("truncate", path, () -> {
            Attr a = cluster.master().attr(path);
            FileData fd = open.get(a.inode());
            if (fd != null) {
                fd.truncate(size);
            } else {
                cluster.master().setAttr(new Requests.SetAttr(path, null, null, null, null, size, null, null));
            }
            attrs.invalidateInode(a.inode());
            return 0;
        });
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        return guard("ftruncate", path, () -> {
            FileData fd = handles.get(fi.fh.get());
            if (fd == null) {
                return Errnos.EBADF;
            }
            fd.truncate(size);
            attrs.invalidateInode(fd.inode);
            return 0;
        });
    }

    // ---- open files

    private FileData openData(Attr a) {
        FileData fd = open.compute(a.inode(), (k, existing) -> {
            FileData d = existing != null ? existing : new FileData(a.inode(), chunkSize, a.size(), cluster, budget, cache);
            d.refresh(a);
            d.opens++;
            return d;
        });
        return fd;
    }

    private void attach(FileData fd, FuseFileInfo fi) {
        long h = nextHandle.getAndIncrement();
        handles.put(h, fd);
        fi.fh.set(h);
    }

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        return guard("create", path, () -> {
            FileType type = FileType.fromMode((int) mode);
            if (type != null && type != FileType.FILE) {
                return Errnos.EINVAL;
            }
            boolean exclusive = (fi.flags.get() & O_EXCL) != 0;
            Attr a = cluster.master().create(path, FileType.FILE, (int) mode & 07777, uid(), gid(), null, exclusive);
            attrs.put(path, a);
            attrs.invalidate(parent(path));
            attach(openData(a), fi);
            return 0;
        });
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return guard("open", path, () -> {
            Attr a = cluster.master().attr(path); // close-to-open: never trust the cache here
            attrs.put(path, a);
            if (a.isDir()) {
                return -jnr.constants.platform.Errno.EISDIR.intValue();
            }
            if (!a.isFile()) {
                return Errnos.ENOTSUP; // FIFOs, sockets and devices are opened by the kernel, not here
            }
            attach(openData(a), fi);
            return 0;
        });
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return guard("read", path, () -> {
            FileData fd = handles.get(fi.fh.get());
            if (fd == null) {
                return Errnos.EBADF;
            }
            byte[] tmp = new byte[(int) size];
            int n = fd.read(offset, tmp, (int) size);
            buf.put(0, tmp, 0, n);
            return n;
        });
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return guard("write", path, () -> {
            FileData fd = handles.get(fi.fh.get());
            if (fd == null) {
                return Errnos.EBADF;
            }
            byte[] tmp = new byte[(int) size];
            buf.get(0, tmp, 0, (int) size);
            fd.write(offset, tmp, (int) size);
            return (int) size;
        });
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return guard("flush", path, () -> {
            FileData fd = handles.get(fi.fh.get());
            if (fd != null) {
                fd.commit();
                attrs.invalidateInode(fd.inode);
            }
            return 0;
        });
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return guard("fsync", path, () -> {
            FileData fd = handles.get(fi.fh.get());
            if (fd != null) {
                fd.sync(); // commit, then every replica written since the last fsync flushes to disk
                attrs.invalidateInode(fd.inode);
            }
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return guard("release", path, () -> {
            FileData fd = handles.remove(fi.fh.get());
            if (fd == null) {
                return 0;
            }
            try {
                fd.commit(); // normally a no-op: flush already committed
            } catch (IOException e) {
                LOG.error("release {}: unflushed data could not be written: {}", path, e.getMessage());
            }
            open.computeIfPresent(fd.inode, (k, d) -> {
                d.opens--;
                if (d.opens <= 0) {
                    if (d.hasUnflushed()) {
                        d.discard();
                    }
                    return null;
                }
                return d;
            });
            attrs.invalidateInode(fd.inode);
            return 0;
        });
    }

    // ---- not supported, on purpose

    @Override
    public int setxattr(String path, String name, Pointer value, long size, int flags) {
        return Errnos.ENOTSUP;
    }

    @Override
    public int getxattr(String path, String name, Pointer value, long size) {
        return Errnos.ENOTSUP;
    }

    @Override
    public int listxattr(String path, Pointer list, long size) {
        return Errnos.ENOTSUP;
    }

    @Override
    public int removexattr(String path, String name) {
        return Errnos.ENOTSUP;
    }

    /** Commits every open file (before unmounting). */
    void flushAll() {
        for (FileData fd : open.values()) {
            try {
                fd.commit();
            } catch (IOException e) {
                LOG.error("could not flush inode {} before unmounting: {}", fd.inode, e.getMessage());
            }
        }
    }
}
