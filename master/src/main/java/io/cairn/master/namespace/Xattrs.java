package io.cairn.master.namespace;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Limits;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.meta.InodeRow;
import io.cairn.master.meta.MetadataStore;
import io.cairn.master.replay.Replays;
import io.cairn.master.security.Permissions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Extended attributes, kept with their inode in the metadata store, with Linux's rules: a name in
 * {@code user.}, {@code trusted.} or {@code security.} of at most 255 bytes, a value of at most
 * 64 KiB (EFBIG past it), at most 64 KiB of names per inode (ENOSPC past it), EEXIST and ENODATA for
 * the create-only and replace-only flags, ENODATA for a name the inode does not have. A change moves
 * the inode's ctime. Who may read or change which namespace is the kernel's check, before the call
 * reaches a mount, and for a token limited in its ids the master's too ({@link Permissions#xattr}).
 */
public final class Xattrs {
    private final MetadataStore store;
    private final Clock clock;
    private final Replays replays;

    public Xattrs(MetadataStore store, Clock clock, Replays replays) {
        this.store = store;
        this.clock = clock;
        this.replays = replays;
    }

    public Replies.Xattr get(String path, String name) throws IOException {
        return get(path, name, Permissions.UNCHECKED);
    }

    public Replies.Xattr get(String path, String name, Permissions p) throws IOException {
        PathRules.xattrName(name);
        return store.read(tx -> {
            InodeRow n = Namespace.resolve(tx, path, p);
            p.xattr(n, name, false);
            byte[] v = tx.xattr(n.id(), name);
            if (v == null) {
                throw CairnException.of(ErrorCode.ENODATA, "%s has no extended attribute %s", path, name);
            }
            return new Replies.Xattr(v);
        });
    }

    public Replies.XattrNames list(String path) throws IOException {
        return list(path, Permissions.UNCHECKED);
    }

    public Replies.XattrNames list(String path, Permissions p) throws IOException {
        return store.read(tx -> new Replies.XattrNames(tx.xattrNames(Namespace.resolve(tx, path, p).id())));
    }

    public Replies.Ok set(Requests.SetXattr r, String requestId) throws IOException {
        return set(r, requestId, Permissions.UNCHECKED);
    }

    public Replies.Ok set(Requests.SetXattr r, String requestId, Permissions p) throws IOException {
        String name = PathRules.xattrName(r.name());
        byte[] value = r.value() == null ? new byte[0] : r.value();
        if (value.length > Limits.XATTR_SIZE_MAX) {
            throw new CairnException(ErrorCode.EFBIG, "an extended attribute's value is at most " + Limits.XATTR_SIZE_MAX
                    + " bytes, not " + value.length);
        }
        if ((r.flags() & ~(Requests.SetXattr.CREATE | Requests.SetXattr.REPLACE)) != 0
                || r.flags() == (Requests.SetXattr.CREATE | Requests.SetXattr.REPLACE)) {
            throw new CairnException(ErrorCode.EINVAL, "flags may be 0, CREATE (1) or REPLACE (2), not " + r.flags());
        }
        return replays.write(requestId, "setxattr", Replies.Ok.class, tx -> {
            InodeRow n = Namespace.resolve(tx, r.path(), p);
            p.xattr(n, name, true);
            boolean exists = tx.xattr(n.id(), name) != null;
            if (exists && r.flags() == Requests.SetXattr.CREATE) {
                throw CairnException.of(ErrorCode.EEXIST, "%s already has extended attribute %s", r.path(), name);
            }
            if (!exists && r.flags() == Requests.SetXattr.REPLACE) {
                throw CairnException.of(ErrorCode.ENODATA, "%s has no extended attribute %s", r.path(), name);
            }
            if (!exists && listBytes(tx.xattrNames(n.id())) + nameBytes(name) > Limits.XATTR_LIST_MAX) {
                throw new CairnException(ErrorCode.ENOSPC, "no room for another extended attribute name on " + r.path()
                        + " (their list is at most " + Limits.XATTR_LIST_MAX + " bytes)");
            }
            tx.putXattr(n.id(), name, value);
            tx.updateInode(n.withTimes(n.atimeNs(), n.mtimeNs(), now()));
            return Replies.Ok.OK;
        });
    }

    public Replies.Ok remove(Requests.RemoveXattr r, String requestId) throws IOException {
        return remove(r, requestId, Permissions.UNCHECKED);
    }

    public Replies.Ok remove(Requests.RemoveXattr r, String requestId, Permissions p) throws IOException {
        String name = PathRules.xattrName(r.name());
        return replays.write(requestId, "removexattr", Replies.Ok.class, tx -> {
            InodeRow n = Namespace.resolve(tx, r.path(), p);
            p.xattr(n, name, true);
            if (!tx.deleteXattr(n.id(), name)) {
                throw CairnException.of(ErrorCode.ENODATA, "%s has no extended attribute %s", r.path(), name);
            }
            tx.updateInode(n.withTimes(n.atimeNs(), n.mtimeNs(), now()));
            return Replies.Ok.OK;
        });
    }

    /** What a listxattr answer takes: each name and its NUL. */
    static int listBytes(List<String> names) {
        int total = 0;
        for (String n : names) {
            total += nameBytes(n);
        }
        return total;
    }

    private static int nameBytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length + 1;
    }

    private long now() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
