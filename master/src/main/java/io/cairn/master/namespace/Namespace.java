package io.cairn.master.namespace;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.InodePaths;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.DirEntry;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Limits;
import io.cairn.common.wire.ListPage;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.meta.InodeRow;
import io.cairn.master.meta.MetaTx;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.replay.Replays;
import io.cairn.master.security.Permissions;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The namespace rules of a real file system over the metadata store: path resolution, mkdir,
 * create, links, unlink, rmdir, rename and attributes. Each public method is one transaction whose
 * body looks before it inserts; when another writer makes the same name in between, the store runs
 * the body once more, so the look-up answers (EEXIST, or the existing file for a plain create).
 * Every change may carry a request id: a change sent again under the same id (its answer was lost
 * on the way) is answered with its first answer instead of being made again ({@link Replays}).
 * A call given {@link Permissions} checks them in its transaction, on the rows it reads anyway: x
 * on every directory walked, w and x on the directories it changes, the sticky bit, owner-only
 * attributes.
 */
public final class Namespace {
    public static final long ROOT = 1;
    private static final int MAX_LIST = 10_000;

    private final MetadataStore store;
    private final Clock clock;
    private final ChunkLists chunkLists;
    private final Replays replays;
    private final Xattrs xattrs;

    /** A namespace that answers replays from its own {@link Replays}. */
    public Namespace(MetadataStore store, Clock clock, ChunkLists chunkLists) {
        this(store, clock, chunkLists, new Replays(store, clock));
    }

    public Namespace(MetadataStore store, Clock clock, ChunkLists chunkLists, Replays replays) {
        this.store = store;
        this.clock = clock;
        this.chunkLists = chunkLists;
        this.replays = replays;
        this.xattrs = new Xattrs(store, clock, replays);
    }

    /** The extended attributes of this namespace's inodes. */
    public Xattrs xattrs() {
        return xattrs;
    }

    long now() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Creates the root directory if the namespace is new. */
    public void init() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                store.write(tx -> {
                    if (tx.inode(ROOT) == null) {
                        long t = now();
                        InodeRow root = tx.insertInode(new InodeRow(0, FileType.DIR, 0755, 0, 0, 0, 2, t, t, t, 0, null));
                        if (root.id() != ROOT) {
                            throw new RootRace(root.id()); // rolls this transaction back
                        }
                    }
                    return null;
                });
                return;
            } catch (RootRace e) {
                if (attempt == ROOT_ATTEMPTS) {
                    throw new CairnException(ErrorCode.EIO, "the root directory was not made: " + e.getMessage());
                }
                try {
                    Thread.sleep(20L * attempt); // the other master's transaction commits meanwhile
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new CairnException(ErrorCode.EIO, "interrupted while making the root directory");
                }
            }
        }
    }

    private static final int ROOT_ATTEMPTS = 20;

    /**
     * Another master made the root in the same moment on a new database (PostgreSQL hands out the
     * next inode id to the second one): this one's transaction rolls back and looks again.
     */
    private static final class RootRace extends CairnException {
        RootRace(long got) {
            super(ErrorCode.EIO, "the root inode got id " + got + ": another master made the root at the same moment");
        }
    }

    // ---- resolution

    /** The inode a path names, or ENOENT / ENOTDIR. */
    static InodeRow resolve(MetaTx tx, String path) throws IOException {
        return resolve(tx, path, Permissions.UNCHECKED);
    }

    /**
     * The same, with search (x) permission on every directory walked from the root, or from the
     * inode an {@link InodePaths inode path} starts at (the directories above it are not walked).
     */
    static InodeRow resolve(MetaTx tx, String path, Permissions p) throws IOException {
        List<String> parts = PathRules.split(path);
        int from = start(parts);
        InodeRow cur = from == 0 ? tx.inode(ROOT) : startInode(tx, parts);
        for (String name : parts.subList(from, parts.size())) {
            if (!cur.isDir()) {
                throw CairnException.of(ErrorCode.ENOTDIR, "not a directory on the way to %s", path);
            }
            p.search(cur, path);
            Long next = tx.lookup(cur.id(), name);
            if (next == null) {
                throw CairnException.of(ErrorCode.ENOENT, "no such file or directory: %s", path);
            }
            cur = tx.inode(next);
            if (cur == null) {
                throw CairnException.of(ErrorCode.EIO, "dangling entry %s", path);
            }
        }
        return cur;
    }

    /** How many leading components of {@code parts} name the inode it starts at: 0 from the root, 2 for an inode path. */
    private static int start(List<String> parts) throws CairnException {
        return InodePaths.start(parts) == null ? 0 : 2;
    }

    /** The inode an inode path starts at (ENOENT when there is none, ENOTDIR when it is no directory). */
    private static InodeRow startInode(MetaTx tx, List<String> parts) throws IOException {
        long id = InodePaths.start(parts);
        InodeRow n = tx.inode(id);
        if (n == null) {
            throw CairnException.of(ErrorCode.ENOENT, "no inode %d", id);
        }
        if (!n.isDir() && parts.size() > 2) {
            throw CairnException.of(ErrorCode.ENOTDIR, "inode %d is not a directory", id);
        }
        return n;
    }

    /**
     * Whether directory {@code dir} is {@code ancestor} or lies beneath it, walked up in this
     * transaction (a directory has one parent), so no rename makes a cycle however its paths are given.
     */
    private static boolean beneath(MetaTx tx, InodeRow dir, long ancestor) throws IOException {
        long at = dir.id();
        for (int steps = 0; at != ROOT; steps++) {
            if (at == ancestor) {
                return true;
            }
            List<Long> up = tx.parents(at);
            if (up.isEmpty() || steps > 1_000_000) {
                return false; // a directory kept nameless (none are) or a loop already there: nothing above
            }
            at = up.get(0);
        }
        return ancestor == ROOT;
    }

    /** EINVAL for the name reserved at the root for inode paths. */
    private static void notReserved(InodeRow dir, String name) throws CairnException {
        if (dir.id() == ROOT && name.equals(InodePaths.ROOT_NAME)) {
            throw new CairnException(ErrorCode.EINVAL, "/" + InodePaths.ROOT_NAME
                    + " is reserved: the mount names deep paths from an inode through it");
        }
    }

    /** The directory that holds the last component of {@code path}, and that component. */
    record Slot(InodeRow dir, String name, String path) {
    }

    static Slot slot(MetaTx tx, String path) throws IOException {
        return slot(tx, path, Permissions.UNCHECKED);
    }

    static Slot slot(MetaTx tx, String path, Permissions p) throws IOException {
        List<String> parts = PathRules.split(path);
        int from = start(parts);
        if (parts.size() == from) {
            throw from == 0 ? new CairnException(ErrorCode.EEXIST, "/ is the root directory")
                    : new CairnException(ErrorCode.EINVAL, "an inode path names no entry without a name after the inode");
        }
        String parentPath = PathRules.join(parts.subList(0, parts.size() - 1));
        InodeRow dir = resolve(tx, parentPath, p);
        if (!dir.isDir()) {
            throw CairnException.of(ErrorCode.ENOTDIR, "not a directory: %s", parentPath);
        }
        String name = parts.get(parts.size() - 1);
        notReserved(dir, name);
        return new Slot(dir, name, PathRules.join(parts));
    }

    private InodeRow touchDir(MetaTx tx, InodeRow dir, long t, int nlinkDelta) throws IOException {
        InodeRow d = tx.inode(dir.id());
        InodeRow updated = d.withNlink(d.nlink() + nlinkDelta, t).withTimes(d.atimeNs(), t, t);
        tx.updateInode(updated);
        return updated;
    }

    // ---- reads

    /**
     * Makes every change committed so far survive a power cut (one sync of the store, shared by the
     * callers meanwhile); a change answered without it survives the crash of any process.
     */
    public void sync() throws IOException {
        store.barrier();
    }

    public Attr attr(String path) throws IOException {
        return attr(path, Permissions.UNCHECKED);
    }

    public Attr attr(String path, Permissions p) throws IOException {
        return store.read(tx -> resolve(tx, path, p).toAttr());
    }

    /** The row of {@code inode} (ENOENT when there is none): for the checks of calls that name an inode. */
    public InodeRow inode(long inode) throws IOException {
        return store.read(tx -> {
            InodeRow n = tx.inode(inode);
            if (n == null) {
                throw CairnException.of(ErrorCode.ENOENT, "no inode %d", inode);
            }
            return n;
        });
    }

    /** The inode row at a path (for whole-tree walks such as fsck). */
    public InodeRow inodeAt(String path) throws IOException {
        return store.read(tx -> resolve(tx, path));
    }

    /** The most inodes {@link #holds} visits on its way up before it answers no. */
    static final int HOLDS_MOST_VISITS = 20_000;

    /**
     * Whether {@code inode} is directory {@code root} or lies beneath it, by any of its names: the
     * check behind calls that name an inode rather than a path, for a caller confined to
     * {@code root}. An inode that is not found (or is found only past {@link #HOLDS_MOST_VISITS}
     * steps up) is not held.
     */
    public boolean holds(String root, long inode) throws IOException {
        return store.read(tx -> {
            long top = resolve(tx, root).id();
            Set<Long> seen = new HashSet<>();
            ArrayDeque<Long> todo = new ArrayDeque<>(List.of(inode));
            while (!todo.isEmpty() && seen.size() < HOLDS_MOST_VISITS) {
                long at = todo.poll();
                if (at == top) {
                    return true;
                }
                if (seen.add(at)) {
                    List<Long> up = tx.parents(at);
                    todo.addAll(up.isEmpty() ? tx.sustainedParents(at) : up); // an unlinked file still open lies where it was
                }
            }
            return false;
        });
    }

    public Attr attr(long inode) throws IOException {
        return store.read(tx -> {
            InodeRow n = tx.inode(inode);
            if (n == null) {
                throw CairnException.of(ErrorCode.ENOENT, "no inode %d", inode);
            }
            return n.toAttr();
        });
    }

    public ListPage list(String path, String after, int limit) throws IOException {
        return list(path, after, limit, Permissions.UNCHECKED);
    }

    public ListPage list(String path, String after, int limit, Permissions p) throws IOException {
        int lim = Math.max(1, Math.min(limit, MAX_LIST));
        return store.read(tx -> {
            InodeRow dir = resolve(tx, path, p);
            if (!dir.isDir()) {
                throw CairnException.of(ErrorCode.ENOTDIR, "not a directory: %s", path);
            }
            p.list(dir, path);
            List<MetaTx.Entry> rows = tx.list(dir.id(), after, lim + 1);
            List<DirEntry> out = new ArrayList<>();
            for (int i = 0; i < Math.min(lim, rows.size()); i++) {
                out.add(new DirEntry(rows.get(i).name(), rows.get(i).inode().toAttr()));
            }
            String next = rows.size() > lim ? out.get(out.size() - 1).name() : null;
            return new ListPage(out, next);
        });
    }

    // ---- creation

    private static int perm(Integer mode, int dflt) {
        return mode == null ? dflt : mode & 07777;
    }

    private static int id(Integer v) {
        return v == null ? 0 : v;
    }

    /** S_ISGID on a directory: what is made in it takes the directory's group (and a directory the bit too). */
    private static final int SET_GID = 02000;

    /** The group a new entry of {@code dir} gets: the directory's own when it is set-group-ID, else the caller's. */
    private static int groupIn(InodeRow dir, Integer gid) {
        return (dir.mode() & SET_GID) != 0 ? dir.gid() : id(gid);
    }

    public Attr mkdir(Requests.Mkdir r) throws IOException {
        return mkdir(r, null);
    }

    public Attr mkdir(Requests.Mkdir r, String requestId) throws IOException {
        return mkdir(r, requestId, Permissions.UNCHECKED);
    }

    public Attr mkdir(Requests.Mkdir r, String requestId, Permissions p) throws IOException {
        return replays.write(requestId, "mkdir", Attr.class, tx -> {
            List<String> parts = PathRules.split(r.path());
            int from = start(parts);
            InodeRow cur = from == 0 ? tx.inode(ROOT) : startInode(tx, parts);
            if (parts.size() == from) {
                if (r.parents() && cur.isDir()) {
                    return cur.toAttr();
                }
                throw CairnException.of(ErrorCode.EEXIST, "%s exists", r.path());
            }
            if (!cur.isDir()) {
                throw CairnException.of(ErrorCode.ENOTDIR, "not a directory: %s", r.path());
            }
            for (int i = from; i < parts.size(); i++) {
                boolean last = i == parts.size() - 1;
                String name = parts.get(i);
                p.search(cur, r.path());
                Long existing = tx.lookup(cur.id(), name);
                if (existing != null) {
                    InodeRow e = tx.inode(existing);
                    if (last) {
                        if (r.parents() && e.isDir()) {
                            return e.toAttr();
                        }
                        throw CairnException.of(ErrorCode.EEXIST, "already exists: %s", PathRules.join(parts));
                    }
                    if (!e.isDir()) {
                        throw CairnException.of(ErrorCode.ENOTDIR, "not a directory: %s",
                                PathRules.join(parts.subList(0, i + 1)));
                    }
                    cur = e;
                    continue;
                }
                if (!last && !r.parents()) {
                    throw CairnException.of(ErrorCode.ENOENT, "no such directory: %s",
                            PathRules.join(parts.subList(0, i + 1)));
                }
                notReserved(cur, name);
                p.addTo(cur, "mkdir", PathRules.join(parts.subList(0, i + 1)));
                long t = now();
                InodeRow dir = tx.insertInode(new InodeRow(0, FileType.DIR, perm(r.mode(), 0755) | (cur.mode() & SET_GID),
                        id(r.uid()), groupIn(cur, r.gid()), 0, 2, t, t, t, 0, null));
                tx.insertEntry(cur.id(), name, dir.id());
                touchDir(tx, cur, t, +1);
                cur = dir;
            }
            return cur.toAttr();
        });
    }

    public Attr create(Requests.Create r) throws IOException {
        return create(r, null);
    }

    public Attr create(Requests.Create r, String requestId) throws IOException {
        return create(r, requestId, Permissions.UNCHECKED);
    }

    public Attr create(Requests.Create r, String requestId, Permissions p) throws IOException {
        FileType type = r.type() == null ? FileType.FILE : r.type();
        if (type == FileType.DIR || type == FileType.SYMLINK) {
            throw new CairnException(ErrorCode.EINVAL, "use mkdir or symlink to make a " + type.wireName());
        }
        return replays.write(requestId, "create", Attr.class, tx -> createIn(tx, r, type, p, false));
    }

    /**
     * A create whose answer also places the new file's first chunk and leases it to the file, in the
     * same transaction (one call fewer for a writer of a small file). No datanode with room is no
     * error here: the answer then has no allocation.
     */
    public Replies.Created createForWriting(Requests.Create r, String requestId) throws IOException {
        return createForWriting(r, requestId, Permissions.UNCHECKED);
    }

    public Replies.Created createForWriting(Requests.Create r, String requestId, Permissions p) throws IOException {
        FileType type = r.type() == null ? FileType.FILE : r.type();
        if (type != FileType.FILE) {
            return new Replies.Created(create(r, requestId, p), null);
        }
        Allocation fresh;
        try {
            fresh = chunkLists.placeFirst();
        } catch (CairnException e) {
            if (e.code() != ErrorCode.ENONODES) {
                throw e;
            }
            fresh = null;
        }
        Allocation first = fresh;
        Replies.Created c = replays.write(requestId, "create-for-writing", Replies.Created.class, tx -> {
            Attr a = createIn(tx, r, type, p, true);
            if (first == null || !a.isFile()) {
                return new Replies.Created(a, null);
            }
            chunkLists.grant(tx, first, a.inode());
            return new Replies.Created(a, first);
        });
        if (first != null && c.allocation() == first) {
            chunkLists.reserve(first);
        }
        return c.allocation() == null ? c : new Replies.Created(c.attr(), chunkLists.withTokens(c.allocation()));
    }

    /** {@code writing}: the answer leases the file a chunk, so an existing file must be one the caller may write. */
    private Attr createIn(MetaTx tx, Requests.Create r, FileType type, Permissions p, boolean writing) throws IOException {
        Slot s = slot(tx, r.path(), p);
        Long existing = tx.lookup(s.dir().id(), s.name());
        if (existing != null) {
            InodeRow e = tx.inode(existing);
            if (r.exclusive() || type != FileType.FILE) {
                throw CairnException.of(ErrorCode.EEXIST, "already exists: %s", s.path());
            }
            if (e.isDir()) {
                throw CairnException.of(ErrorCode.EISDIR, "is a directory: %s", s.path());
            }
            if (writing) {
                p.writeData(e);
            }
            return e.toAttr();
        }
        p.addTo(s.dir(), "create", s.path());
        long t = now();
        long rdev = (type == FileType.CHARDEV || type == FileType.BLOCKDEV) && r.rdev() != null ? r.rdev() : 0;
        InodeRow n = tx.insertInode(new InodeRow(0, type, perm(r.mode(), 0644), id(r.uid()), groupIn(s.dir(), r.gid()),
                0, 1, t, t, t, rdev, null));
        tx.insertEntry(s.dir().id(), s.name(), n.id());
        touchDir(tx, s.dir(), t, 0);
        return n.toAttr();
    }

    public Attr symlink(Requests.Symlink r) throws IOException {
        return symlink(r, null);
    }

    public Attr symlink(Requests.Symlink r, String requestId) throws IOException {
        return symlink(r, requestId, Permissions.UNCHECKED);
    }

    public Attr symlink(Requests.Symlink r, String requestId, Permissions p) throws IOException {
        String target = r.target();
        if (target == null || target.isEmpty() || target.indexOf('\0') >= 0
                || target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > PathRules.PATH_MAX) {
            throw new CairnException(ErrorCode.EINVAL, "symlink target must be 1 to 4096 bytes without NUL");
        }
        return replays.write(requestId, "symlink", Attr.class, tx -> {
            Slot s = slot(tx, r.path(), p);
            if (tx.lookup(s.dir().id(), s.name()) != null) {
                throw CairnException.of(ErrorCode.EEXIST, "already exists: %s", s.path());
            }
            p.addTo(s.dir(), "symlink", s.path());
            long t = now();
            InodeRow n = tx.insertInode(new InodeRow(0, FileType.SYMLINK, 0777, id(r.uid()), groupIn(s.dir(), r.gid()),
                    target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, 1, t, t, t, 0, target));
            tx.insertEntry(s.dir().id(), s.name(), n.id());
            touchDir(tx, s.dir(), t, 0);
            return n.toAttr();
        });
    }

    public Attr link(Requests.Link r) throws IOException {
        return link(r, null);
    }

    public Attr link(Requests.Link r, String requestId) throws IOException {
        return link(r, requestId, Permissions.UNCHECKED);
    }

    public Attr link(Requests.Link r, String requestId, Permissions p) throws IOException {
        return replays.write(requestId, "link", Attr.class, tx -> {
            InodeRow target = resolve(tx, r.existing(), p);
            if (target.isDir()) {
                throw CairnException.of(ErrorCode.EPERM, "cannot hard-link a directory: %s", r.existing());
            }
            Slot s = slot(tx, r.path(), p);
            if (tx.lookup(s.dir().id(), s.name()) != null) {
                throw CairnException.of(ErrorCode.EEXIST, "already exists: %s", s.path());
            }
            p.addTo(s.dir(), "link", s.path());
            long t = now();
            tx.insertEntry(s.dir().id(), s.name(), target.id());
            InodeRow updated = target.withNlink(target.nlink() + 1, t);
            tx.updateInode(updated);
            touchDir(tx, s.dir(), t, 0);
            return updated.toAttr();
        });
    }

    // ---- removal

    /**
     * Drops one name of a non-directory inode; the inode and its chunks go when no name is left,
     * unless {@code keepFor} names the session of a mount that has the file open: then a regular file
     * stays, with no name and a link count of 0, until that mount closes it ({@link #release}) or its
     * session ends ({@link #sessionEnded}), as a local disk keeps an unlinked file its readers and
     * writers still hold.
     */
    private void dropName(MetaTx tx, Slot s, InodeRow n, long t, String keepFor) throws IOException {
        tx.deleteEntry(s.dir().id(), s.name());
        if (n.nlink() > 1) {
            tx.updateInode(n.withNlink(n.nlink() - 1, t));
        } else if (keepFor != null && n.type() == FileType.FILE) {
            liveSession(tx, keepFor);
            tx.updateInode(n.withNlink(0, t));
            tx.insertSustained(keepFor, n.id(), s.dir().id());
        } else {
            drop(tx, n.id(), t);
        }
    }

    /** An inode with no name left, gone with its chunks and extended attributes. */
    private void drop(MetaTx tx, long inode, long t) throws IOException {
        chunkLists.dropFrom(tx, inode, 0, t);
        tx.deleteInode(inode);
    }

    /** ESTALE unless {@code session} is a live mount session (the mount opens a new one and asks again). */
    private void liveSession(MetaTx tx, String session) throws IOException {
        Long exp = tx.sessionExpiry(session);
        if (exp == null || exp < clock.millis()) {
            throw CairnException.of(ErrorCode.ESTALE, "session %s has ended: the mount opens a new one", session);
        }
    }

    /** A session id from the wire: 32 lowercase hex digits (null: none). */
    private static String sessionOrNull(String s) throws CairnException {
        if (s != null && !s.matches("[0-9a-f]{32}")) {
            throw new CairnException(ErrorCode.EINVAL, "a session id is 32 lowercase hex digits");
        }
        return s;
    }

    public void unlink(String path) throws IOException {
        unlink(path, null);
    }

    public void unlink(String path, String requestId) throws IOException {
        unlink(path, requestId, Permissions.UNCHECKED);
    }

    public void unlink(String path, String requestId, Permissions p) throws IOException {
        unlink(path, null, requestId, p);
    }

    /** Removes the name {@code path}; {@code keepFor}: the session of a mount that has the file open (see {@link #dropName}). */
    public void unlink(String path, String keepFor, String requestId, Permissions p) throws IOException {
        String session = sessionOrNull(keepFor);
        replays.write(requestId, "unlink", Replies.Ok.class, tx -> {
            Slot s = slot(tx, path, p);
            InodeRow n = entry(tx, s);
            p.removeFrom(s.dir(), n, "unlink", s.path());
            if (n.isDir()) {
                throw CairnException.of(ErrorCode.EISDIR, "is a directory: %s", s.path());
            }
            long t = now();
            dropName(tx, s, n, t, session);
            touchDir(tx, s.dir(), t, 0);
            return Replies.Ok.OK;
        });
    }

    /**
     * The mount of {@code session} closed {@code inode}, which it had open when its last name went:
     * unless another session keeps it too, it goes now with its chunks. Nothing happens when the
     * session does not keep it (a retry, or the file has a name again).
     */
    public void release(String session, long inode, String requestId) throws IOException {
        String s = sessionOrNull(session);
        if (s == null) {
            throw new CairnException(ErrorCode.EINVAL, "release names the session that kept the file");
        }
        replays.write(requestId, "release", Replies.Ok.class, tx -> {
            releaseIn(tx, s, inode, now());
            return Replies.Ok.OK;
        });
    }

    private void releaseIn(MetaTx tx, String session, long inode, long t) throws IOException {
        if (tx.deleteSustained(session, inode) && !tx.sustained(inode)) {
            InodeRow n = tx.inode(inode);
            if (n != null && n.nlink() == 0) {
                drop(tx, inode, t);
            }
        }
    }

    /**
     * Inside the transaction that ends {@code session} (its mount unmounted, or stopped renewing it):
     * the files it kept go, as at their last close; says how many.
     */
    public int sessionEnded(MetaTx tx, String session) throws IOException {
        long t = now();
        int n = 0;
        for (List<Long> page = tx.sustainedBy(session, 1000); !page.isEmpty(); page = tx.sustainedBy(session, 1000)) {
            for (long inode : page) {
                releaseIn(tx, session, inode, t);
                n++;
            }
        }
        return n;
    }

    public void rmdir(String path) throws IOException {
        rmdir(path, null);
    }

    public void rmdir(String path, String requestId) throws IOException {
        rmdir(path, requestId, Permissions.UNCHECKED);
    }

    public void rmdir(String path, String requestId, Permissions p) throws IOException {
        replays.write(requestId, "rmdir", Replies.Ok.class, tx -> {
            if (PathRules.split(path).isEmpty()) {
                throw new CairnException(ErrorCode.EPERM, "cannot remove the root directory");
            }
            Slot s = slot(tx, path, p);
            InodeRow n = entry(tx, s);
            p.removeFrom(s.dir(), n, "rmdir", s.path());
            if (!n.isDir()) {
                throw CairnException.of(ErrorCode.ENOTDIR, "not a directory: %s", s.path());
            }
            if (tx.hasEntries(n.id())) {
                throw CairnException.of(ErrorCode.ENOTEMPTY, "directory not empty: %s", s.path());
            }
            long t = now();
            tx.deleteEntry(s.dir().id(), s.name());
            tx.deleteInode(n.id());
            touchDir(tx, s.dir(), t, -1);
            return Replies.Ok.OK;
        });
    }

    private static InodeRow entry(MetaTx tx, Slot s) throws IOException {
        Long id = tx.lookup(s.dir().id(), s.name());
        if (id == null) {
            throw CairnException.of(ErrorCode.ENOENT, "no such file or directory: %s", s.path());
        }
        return tx.inode(id);
    }

    // ---- rename

    public void rename(Requests.Rename r) throws IOException {
        rename(r, null);
    }

    public void rename(Requests.Rename r, String requestId) throws IOException {
        rename(r, requestId, Permissions.UNCHECKED);
    }

    public void rename(Requests.Rename r, String requestId, Permissions p) throws IOException {
        replays.write(requestId, "rename", Replies.Ok.class, tx -> {
            String from = PathRules.normalize(r.from());
            String to = PathRules.normalize(r.to());
            if (from.equals("/") || to.equals("/")) {
                throw new CairnException(ErrorCode.EINVAL, "cannot rename the root directory");
            }
            Slot src = slot(tx, from, p);
            InodeRow moving = entry(tx, src);
            p.removeFrom(src.dir(), moving, "rename", from);
            if (from.equals(to)) {
                return Replies.Ok.OK;
            }
            if (moving.isDir() && to.startsWith(from + "/")) {
                throw CairnException.of(ErrorCode.EINVAL, "cannot move %s into itself (%s)", from, to);
            }
            Slot dst = slot(tx, to, p);
            if (moving.isDir() && dst.dir().id() != src.dir().id() && beneath(tx, dst.dir(), moving.id())) {
                throw CairnException.of(ErrorCode.EINVAL, "cannot move %s into itself (%s)", from, to);
            }
            p.addTo(dst.dir(), "rename", to);
            if (moving.isDir() && dst.dir().id() != src.dir().id()) {
                p.addTo(moving, "rename", from); // its ".." changes
            }
            long t = now();
            Long existingId = tx.lookup(dst.dir().id(), dst.name());
            if (existingId != null) {
                if (r.noReplace()) {
                    throw CairnException.of(ErrorCode.EEXIST, "already exists: %s", to);
                }
                InodeRow existing = tx.inode(existingId);
                if (existing.id() == moving.id()) {
                    return Replies.Ok.OK; // two names of one inode: POSIX says do nothing
                }
                p.removeFrom(dst.dir(), existing, "rename", to);
                if (moving.isDir()) {
                    if (!existing.isDir()) {
                        throw CairnException.of(ErrorCode.ENOTDIR, "not a directory: %s", to);
                    }
                    if (tx.hasEntries(existing.id())) {
                        throw CairnException.of(ErrorCode.ENOTEMPTY, "directory not empty: %s", to);
                    }
                    tx.deleteEntry(dst.dir().id(), dst.name());
                    tx.deleteInode(existing.id());
                    touchDir(tx, dst.dir(), t, -1);
                } else {
                    if (existing.isDir()) {
                        throw CairnException.of(ErrorCode.EISDIR, "is a directory: %s", to);
                    }
                    dropName(tx, dst, existing, t, null); // a mount hides an open file it replaces first (an unlink)
                }
            }
            tx.deleteEntry(src.dir().id(), src.name());
            tx.insertEntry(dst.dir().id(), dst.name(), moving.id());
            int delta = moving.isDir() ? 1 : 0;
            touchDir(tx, src.dir(), t, -delta);
            touchDir(tx, dst.dir(), t, +delta);
            InodeRow m = tx.inode(moving.id());
            tx.updateInode(m.withTimes(m.atimeNs(), m.mtimeNs(), t));
            return Replies.Ok.OK;
        });
    }

    // ---- attributes

    public Attr setAttr(Requests.SetAttr r) throws IOException {
        return setAttr(r, null);
    }

    public Attr setAttr(Requests.SetAttr r, String requestId) throws IOException {
        return setAttr(r, requestId, Permissions.UNCHECKED);
    }

    public Attr setAttr(Requests.SetAttr r, String requestId, Permissions p) throws IOException {
        if (r.size() != null && r.size() > Limits.MAX_FILE_SIZE) {
            throw new CairnException(ErrorCode.EFBIG, "size " + r.size() + " is past the largest file size ("
                    + Limits.MAX_FILE_SIZE + " bytes)");
        }
        return replays.write(requestId, "setattr", Attr.class, tx -> {
            InodeRow n;
            if (r.path() != null) {
                n = resolve(tx, r.path(), p);
            } else if (r.inode() != null) {
                n = tx.inode(r.inode());
                if (n == null) {
                    throw CairnException.of(ErrorCode.ENOENT, "no inode %d", r.inode());
                }
            } else {
                throw new CairnException(ErrorCode.EINVAL, "setattr needs a path or an inode");
            }
            check(p, n, r);
            long t = now();
            if (r.mode() != null) {
                n = n.withMode(r.mode() & 07777);
            }
            if (r.uid() != null || r.gid() != null) {
                n = n.withOwner(r.uid() == null ? n.uid() : r.uid(), r.gid() == null ? n.gid() : r.gid());
            }
            long mtime = n.mtimeNs();
            if (r.size() != null) {
                if (n.isDir()) {
                    throw new CairnException(ErrorCode.EISDIR, "cannot truncate a directory");
                }
                if (n.type() != FileType.FILE) {
                    throw new CairnException(ErrorCode.EINVAL, "only regular files have a size to set");
                }
                if (r.size() < 0) {
                    throw new CairnException(ErrorCode.EINVAL, "negative size");
                }
                chunkLists.truncate(tx, n, r.size(), t);
                n = n.withSize(r.size());
                mtime = t;
            }
            long atime = r.atimeNs() == null ? n.atimeNs() : r.atimeNs() == Requests.SetAttr.NOW ? t : r.atimeNs();
            if (r.mtimeNs() != null) {
                mtime = r.mtimeNs() == Requests.SetAttr.NOW ? t : r.mtimeNs();
            }
            n = n.withTimes(atime, mtime, t);
            tx.updateInode(n);
            return n.toAttr();
        });
    }

    /** Who may make the changes of {@code r} to {@code n}: chmod and times set to a given time its owner, times set to now its owner or a writer, a chown as {@link Permissions#chown}, a new size a writer. */
    private static void check(Permissions p, InodeRow n, Requests.SetAttr r) throws CairnException {
        if (r.mode() != null) {
            p.owner(n, "chmod");
        }
        p.chown(n, r.uid(), r.gid());
        if (r.size() != null) {
            p.truncate(n);
        }
        boolean given = (r.atimeNs() != null && r.atimeNs() != Requests.SetAttr.NOW)
                || (r.mtimeNs() != null && r.mtimeNs() != Requests.SetAttr.NOW);
        if (given) {
            p.owner(n, "utimes");
        } else if (r.atimeNs() != null || r.mtimeNs() != null) {
            p.touch(n);
        }
    }
}
