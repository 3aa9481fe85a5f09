package io.cairn.mount.meta;

import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ClusterStatus;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Namespace operations for the mount: each is one master call, and each keeps the {@link AttrCache}
 * honest: lookups fill it, listings ({@link OpenDirs}) fill it page by page, and every change forgets the
 * entries it affects (the name, its parent directory, and other names of the same inode).
 */
public final class Namespace {
    private final MasterClient master;
    private final AttrCache cache;
    private final OpenDirs dirs;
    private final AbsentCaps absentCaps = new AbsentCaps(System::nanoTime);

    private final LongAdder attrHits = new LongAdder();
    private final LongAdder attrMisses = new LongAdder();

    public Namespace(MasterClient master, AttrCache cache) {
        this.master = master;
        this.cache = cache;
        this.dirs = new OpenDirs((dir, after, limit) -> master.list(wire(dir), after, limit), cache);
    }

    /** Attributes of {@code path}, from the cache when fresh enough. */
    public Attr attr(String path) throws IOException {
        Attr a = cache.get(path);
        if (a == null) {
            if (cache.knownAbsent(path)) {
                attrHits.increment();
                throw new CairnException(ErrorCode.ENOENT, "no such file or directory: " + path);
            }
            attrMisses.increment();
            try {
                a = master.attr(wire(path));
            } catch (CairnException e) {
                if (e.code() == ErrorCode.ENOENT) {
                    cache.markAbsent(path);
                }
                throw e;
            }
            cache.put(path, a);
        } else {
            attrHits.increment();
        }
        return a;
    }

    /** Lookups of attributes answered by the cache (a name known absent included). */
    public long attrHits() {
        return attrHits.sum();
    }

    /** Lookups of attributes that had to ask the master. */
    public long attrMisses() {
        return attrMisses.sum();
    }

    /** Makes every namespace change the master committed so far survive a power cut (its barrier). */
    public void sync() throws IOException {
        master.sync();
    }

    /** Attributes of {@code path} straight from the master (open() uses this: close-to-open). */
    public Attr freshAttr(String path) throws IOException {
        Attr a;
        try {
            a = master.attr(wire(path));
        } catch (CairnException e) {
            if (e.code() == ErrorCode.ENOENT) {
                cache.invalidate(path); // another mount removed it: the next lookup asks the master
            }
            throw e;
        }
        cache.update(a);
        cache.put(path, a);
        return a;
    }

    /** The open directories of this mount, each listed page by page (and into the cache) as it is read. */
    public OpenDirs dirs() {
        return dirs;
    }

    public Attr mkdir(String path, int mode, int uid, int gid) throws IOException {
        cache.forgetAbsent(path);
        Attr a = master.mkdir(wire(path), mode, uid, gid, false);
        created(path, a);
        cache.markComplete(path); // new and empty
        return a;
    }

    public Attr create(String path, FileType type, int mode, int uid, int gid, Long rdev, boolean exclusive)
            throws IOException {
        cache.forgetAbsent(path);
        Attr a = master.create(wire(path), type, mode, uid, gid, rdev, exclusive);
        created(path, a);
        if (a.isFile() && exclusive) {
            absentCaps.absent(path); // made just now: it has no extended attributes at all
        }
        return a;
    }

    /** A create of a regular file whose answer also carries its first chunk's allocation (or none). */
    public Replies.Created createForWriting(String path, int mode, int uid, int gid, boolean exclusive)
            throws IOException {
        cache.forgetAbsent(path);
        Replies.Created c = master.createForWriting(wire(path), mode, uid, gid, exclusive);
        created(path, c.attr());
        if (c.attr().isFile()) {
            // the kernel creates only a name it found absent, so this file is new and has no
            // capability: its first write asks for none (one made by another mount in that instant,
            // with a capability set, is the window AbsentCaps already allows)
            absentCaps.absent(path);
        }
        return c;
    }

    public Attr symlink(String path, String target, int uid, int gid) throws IOException {
        cache.forgetAbsent(path);
        Attr a = master.symlink(wire(path), target, uid, gid);
        created(path, a);
        return a;
    }

    /** A hard link: the inode's link count changed, so every cached name of it is forgotten. */
    public Attr link(String existing, String path) throws IOException {
        cache.forgetAbsent(path);
        Attr a = master.link(wire(existing), wire(path));
        cache.invalidateInode(a.inode());
        created(path, a);
        return a;
    }

    public void unlink(String path) throws IOException {
        unlink(path, null);
    }

    /** Removes {@code path}; {@code keepFor}: this mount's session, which has the file open (the master keeps it until released). */
    public void unlink(String path, String keepFor) throws IOException {
        Attr old = cache.get(path);
        master.unlink(wire(path), keepFor);
        absentCaps.forget(path);
        cache.invalidate(path);
        if (old != null) {
            cache.invalidateInode(old.inode()); // other names of it have one link less
        }
        cache.invalidate(parent(path));
    }

    /** This mount closed {@code inode}, which the master kept for {@code session} after its last name went. */
    public void release(String session, long inode) throws IOException {
        master.release(session, inode);
        cache.invalidateInode(inode);
    }

    /** The attributes of {@code inode}, from the master (a file open here whose names are gone). */
    public Attr attr(long inode) throws IOException {
        return master.attr(inode);
    }

    public void rmdir(String path) throws IOException {
        master.rmdir(wire(path));
        cache.invalidateTree(path);
        cache.invalidate(parent(path));
    }

    public void rename(String from, String to) throws IOException {
        Attr replaced = cache.get(to);
        cache.invalidateTree(to); // forgets, too, that names there were absent, before the master is asked
        Attr moved = cache.get(from);
        master.rename(wire(from), wire(to), false);
        absentCaps.forgetTree(from);
        absentCaps.forgetTree(to);
        cache.invalidateTree(from);
        cache.invalidateTree(to);
        if (moved != null) {
            cache.invalidateInode(moved.inode());
        }
        if (replaced != null) {
            cache.invalidateInode(replaced.inode());
        }
        cache.invalidate(parent(from));
        cache.invalidate(parent(to));
    }

    /** chmod, chown, utimens: null fields stay as they are; times may be {@link Requests.SetAttr#NOW}. */
    public Attr setAttr(String path, Integer mode, Integer uid, Integer gid, Long atimeNs, Long mtimeNs)
            throws IOException {
        Attr a = master.setAttr(new Requests.SetAttr(wire(path), null, mode, uid, gid, null, atimeNs, mtimeNs));
        changed(path, a);
        return a;
    }

    /** truncate(2) of a file no handle of this mount has open. */
    /** As above, of {@code inode} (a file open here whose last name is gone). */
    public Attr setAttr(long inode, Integer mode, Integer uid, Integer gid, Long atimeNs, Long mtimeNs)
            throws IOException {
        Attr a = master.setAttr(new Requests.SetAttr(null, inode, mode, uid, gid, null, atimeNs, mtimeNs));
        cache.invalidateInode(inode);
        return a;
    }

    public Attr truncate(String path, long size) throws IOException {
        Attr a = master.setAttr(new Requests.SetAttr(wire(path), null, null, null, null, size, null, null));
        changed(path, a);
        return a;
    }

    /** The value of an extended attribute (ENODATA when there is none; see {@link AbsentCaps}). */
    public byte[] getXattr(String path, String name) throws IOException {
        boolean caps = AbsentCaps.NAME.equals(name);
        if (caps && absentCaps.known(path)) {
            throw new CairnException(ErrorCode.ENODATA, "no " + name);
        }
        try {
            return master.getXattr(wire(path), name);
        } catch (CairnException e) {
            if (caps && e.code() == ErrorCode.ENODATA) {
                absentCaps.absent(path);
            }
            throw e;
        }
    }

    public List<String> listXattrs(String path) throws IOException {
        return master.listXattrs(wire(path));
    }

    /** Sets an extended attribute; the inode's ctime moves, so its cached attributes go. */
    public void setXattr(String path, String name, byte[] value, int flags) throws IOException {
        absentCaps.forget(path);
        master.setXattr(wire(path), name, value, flags);
        absentCaps.forget(path);
        cache.invalidate(path);
    }

    public void removeXattr(String path, String name) throws IOException {
        master.removeXattr(wire(path), name);
        absentCaps.forget(path);
        cache.invalidate(path);
    }

    /** New attributes of an inode from a commit or a size change made through an open file. */
    public void changed(Attr a) {
        cache.update(a);
    }

    /**
     * Another mount changed {@code path} while this one held no lock on it, and a lock on it was just
     * granted: forgets what is cached of its directory, as a program that locks a file may also rely
     * on the names beside it (SQLite's journal, a mail spool's files).
     */
    public void lockedChanged(String path) {
        cache.invalidateTree(parent(path));
    }

    /** Forgets a path's cached attributes. */
    public void forget(String path) {
        cache.invalidate(path);
    }

    public ClusterStatus status() throws IOException {
        return master.status();
    }

    /** What the master is sent for {@code path}: itself, or for a path deeper than PATH_MAX an inode path ({@link WirePaths}). */
    private String wire(String path) throws IOException {
        return WirePaths.of(path, (dir, wire) -> {
            Attr a = cache.get(dir);
            if (a == null) {
                a = master.attr(wire);
                cache.put(dir, a);
            }
            if (!a.isDir()) {
                throw CairnException.of(ErrorCode.ENOTDIR, "not a directory on the way to a deep path: %s", dir);
            }
            return a.inode();
        });
    }

    private void created(String path, Attr a) {
        cache.put(path, a);
        cache.invalidate(parent(path)); // its mtime (and for a directory its link count) changed
    }

    private void changed(String path, Attr a) {
        cache.update(a);
        cache.put(path, a);
    }

    static String child(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }

    public static String parent(String path) {
        return AttrCache.parentOf(path);
    }
}
