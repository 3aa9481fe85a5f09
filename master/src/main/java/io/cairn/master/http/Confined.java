package io.cairn.master.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.InodePaths;
import io.cairn.common.path.PathRules;
import io.cairn.common.security.Caller;
import io.cairn.master.namespace.Namespace;
import io.cairn.master.security.Owners;
import io.cairn.master.security.Permissions;
import io.cairn.master.security.Principal;
import io.cairn.master.security.Subtree;
import io.javalin.http.Context;

import java.io.IOException;

/**
 * What a request names, taken inside the directory its caller's token is confined to ({@link Subtree}):
 * paths are rewritten into it, inodes are checked to lie beneath it; and the owners it gives
 * files, squashed and checked against its token ({@link Owners}); and, for a token limited in
 * its ids, the uid and groups it acts as ({@link Caller}), whose modes the namespace checks
 * ({@link Permissions}). For a token of the whole namespace and any owner all of these are the
 * identity.
 */
final class Confined {
    private final Namespace ns;

    Confined(Namespace ns) {
        this.ns = ns;
    }

    /**
     * The namespace path for the caller's {@code path}. An {@link InodePaths inode path} is kept as it
     * is once its inode is known to lie in the caller's directory (EACCES otherwise).
     */
    String path(Context ctx, String path) throws IOException {
        if (path == null) {
            return null;
        }
        return InodePaths.looksLike(path) ? startsInside(ctx, path) : Principal.subtree(ctx).path(path);
    }

    /** The namespace path for a name the request removes, moves, replaces or links: never the caller's root. */
    String entry(Context ctx, String path) throws IOException {
        if (path == null) {
            return null;
        }
        return InodePaths.looksLike(path) ? startsInside(ctx, path) : Principal.subtree(ctx).entry(path);
    }

    private String startsInside(Context ctx, String path) throws IOException {
        Long start = InodePaths.start(PathRules.split(path));
        if (start != null) {
            inode(ctx, start.longValue());
        }
        return path;
    }

    private static final String PERMISSIONS = "cairn.permissions";

    /** The checks for the caller of {@code ctx}: none unless its token is limited in its ids (EPERM, EINVAL for a bad header). */
    Permissions permissions(Context ctx) throws CairnException {
        Permissions p = ctx.attribute(PERMISSIONS);
        if (p == null) {
            String as = ctx.header(Caller.HEADER);
            Caller c = as == null ? null : Caller.parse(as);
            p = Permissions.of(Principal.owners(ctx), c);
            ctx.attribute(PERMISSIONS, p);
        }
        return p;
    }

    /** The owner uid of a new file: the caller's, squashed and checked against its token, and the uid it acts as (EPERM). */
    Integer newUid(Context ctx, Integer uid) throws CairnException {
        Permissions p = permissions(ctx);
        return p.newUid(Principal.owners(ctx).newUid(uid == null && p.checked() ? Integer.valueOf(p.uid()) : uid));
    }

    /** The group of a new file: the same, the gid it acts as when none is asked for. */
    Integer newGid(Context ctx, Integer gid) throws CairnException {
        Permissions p = permissions(ctx);
        return p.newGid(Principal.owners(ctx).newGid(gid == null && p.checked() ? Integer.valueOf(p.gid()) : gid));
    }

    /** A uid given to a file by setattr (null: unchanged), squashed and checked. */
    Integer uid(Context ctx, Integer uid) throws CairnException {
        return Principal.owners(ctx).uid(uid);
    }

    Integer gid(Context ctx, Integer gid) throws CairnException {
        return Principal.owners(ctx).gid(gid);
    }

    /** {@code inode}, once it is known to lie in the caller's directory (EACCES when it does not). */
    long inode(Context ctx, long inode) throws IOException {
        Subtree s = Principal.subtree(ctx);
        if (!s.whole() && !ns.holds(s.root(), inode)) {
            throw CairnException.of(ErrorCode.EACCES, "inode %d is not in %s, the directory this token is confined to",
                    inode, s.root());
        }
        return inode;
    }

    /** {@code inode} in the caller's directory, once its file may be read as the caller acts (r, or its owner). */
    long readable(Context ctx, long inode) throws IOException {
        return checked(ctx, inode, Permissions::readData);
    }

    /** {@code inode} in the caller's directory, once its file may be written as the caller acts (w, or its owner). */
    long writable(Context ctx, long inode) throws IOException {
        return checked(ctx, inode, Permissions::writeData);
    }

    /** How the caller's permissions judge a file. */
    @FunctionalInterface
    private interface Check {
        void apply(Permissions p, io.cairn.master.meta.InodeRow n) throws CairnException;
    }

    private long checked(Context ctx, long inode, Check check) throws IOException {
        inode(ctx, inode);
        Permissions p = permissions(ctx);
        if (p.checked()) {
            check.apply(p, ns.inode(inode));
        }
        return inode;
    }

    /** Same, for an optional inode. */
    Long inode(Context ctx, Long inode) throws IOException {
        return inode == null ? null : (Long) inode(ctx, inode.longValue());
    }
}
