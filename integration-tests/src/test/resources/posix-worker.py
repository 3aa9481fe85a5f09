# Runs file system calls for LocalDiskComparisonIT: one JSON request per line on stdin, one JSON
# answer per line on stdout. Each request names a base directory; every path is relative to it.
# An answer is {"r": result} or {"e": "ENOENT"} (the errno's name), so that two file systems can be
# compared call by call. Run as the user whose calls these are (setpriv), with umask 022.
import ctypes
import errno
import json
import os
import stat
import sys

libc = ctypes.CDLL(None, use_errno=True)
UTIME_NOW = (1 << 30) - 1
UTIME_OMIT = (1 << 30) - 2
AT_FDCWD = -100
AT_SYMLINK_NOFOLLOW = 0x100


class Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def utimens(path, a, m):
    """a and m: [sec, nsec], or "now", or "omit"."""
    def ts(t):
        if t == "now":
            return Timespec(0, UTIME_NOW)
        if t == "omit":
            return Timespec(0, UTIME_OMIT)
        return Timespec(t[0], t[1])
    times = (Timespec * 2)(ts(a), ts(m))
    if libc.utimensat(AT_FDCWD, path.encode(), times, AT_SYMLINK_NOFOLLOW) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def kind(mode):
    for name, test in (("dir", stat.S_ISDIR), ("file", stat.S_ISREG), ("symlink", stat.S_ISLNK),
                       ("fifo", stat.S_ISFIFO)):
        if test(mode):
            return name
    return "other"


def describe(path):
    st = os.lstat(path)
    d = {"type": kind(st.st_mode), "mode": oct(stat.S_IMODE(st.st_mode)), "uid": st.st_uid, "gid": st.st_gid,
         "nlink": st.st_nlink}
    if not stat.S_ISDIR(st.st_mode):
        d["size"] = st.st_size  # a directory's size is the file system's own business
    if stat.S_ISDIR(st.st_mode):
        try:
            d["names"] = sorted(os.listdir(path))
        except OSError as e:
            d["names"] = errno.errorcode[e.errno]
    if stat.S_ISLNK(st.st_mode):
        d["target"] = os.readlink(path)
    if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
        try:
            d["xattrs"] = {n: os.getxattr(path, n).hex() for n in sorted(os.listxattr(path)) if n.startswith("user.")}
        except OSError as e:
            d["xattrs"] = errno.errorcode[e.errno]
    if "atime" in REQUEST and REQUEST["atime"]:
        d["atime"] = st.st_atime_ns
        d["mtime"] = st.st_mtime_ns
    return d


def walk(base):
    out = {}
    for root, dirs, files in os.walk(base):
        dirs.sort()
        for n in sorted(dirs) + sorted(files):
            p = os.path.join(root, n)
            out[os.path.relpath(p, base)] = describe(p)
    return out


def run(op, b, a):
    p = lambda i: os.path.join(b, a[i]) if a[i] else b
    if op == "mkdir":
        os.mkdir(p(0), a[1])
    elif op == "create":
        flags = os.O_CREAT | os.O_WRONLY | (os.O_EXCL if a[2] else 0)
        os.close(os.open(p(0), flags, a[1]))
    elif op == "write":
        fd = os.open(p(0), os.O_WRONLY)
        try:
            os.pwrite(fd, bytes([a[3]]) * a[2], a[1])
        finally:
            os.close(fd)
    elif op == "link":
        os.link(p(0), p(1))
    elif op == "symlink":
        os.symlink(a[0], p(1))
    elif op == "rename":
        os.rename(p(0), p(1))
    elif op == "unlink":
        os.unlink(p(0))
    elif op == "rmdir":
        os.rmdir(p(0))
    elif op == "chmod":
        os.chmod(p(0), a[1])
    elif op == "chown":
        os.chown(p(0), a[1], a[2], follow_symlinks=False)
    elif op == "utimens":
        utimens(p(0), a[1], a[2])
    elif op == "truncate":
        os.truncate(p(0), a[1])
    elif op == "setxattr":
        os.setxattr(p(0), a[1], bytes.fromhex(a[2]), a[3])
    elif op == "removexattr":
        os.removexattr(p(0), a[1])
    elif op == "describe":
        return describe(p(0))
    elif op == "describe_all":  # each path's description or its errno
        out = []
        for rel in a:
            try:
                out.append({"r": describe(os.path.join(b, rel) if rel else b)})
            except OSError as e:
                out.append({"e": errno.errorcode.get(e.errno, str(e.errno))})
        return out
    elif op == "same":  # two names of one inode?
        try:
            x, y = os.lstat(p(0)), os.lstat(p(1))
        except OSError:
            return False
        return x.st_ino == y.st_ino and x.st_dev == y.st_dev
    elif op == "walk":
        return walk(b)
    else:
        raise ValueError("unknown op " + op)
    return 0


os.umask(0o022)
REQUEST = {}
for line in sys.stdin:
    REQUEST = json.loads(line)
    try:
        answer = {"r": run(REQUEST["op"], REQUEST["base"], REQUEST["args"])}
    except OSError as e:
        answer = {"e": errno.errorcode.get(e.errno, str(e.errno))}
    except Exception as e:  # a bad request: say so, and keep serving
        answer = {"x": repr(e)}
    sys.stdout.write(json.dumps(answer, sort_keys=True) + "\n")
    sys.stdout.flush()
