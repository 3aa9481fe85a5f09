package io.cairn.master.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.master.namespace.Namespace;
import io.cairn.master.security.Owners;
import io.cairn.master.security.Principal;
import io.cairn.master.security.Subtree;
import io.javalin.http.Context;

import java.io.IOException;

/**
 * What a request names, taken inside the directory its caller's token is confined to ({@link Subtree}):
 * paths are rewritten into it, inodes are checked to lie beneath it; and the owners it gives
 * files, squashed and checked against its token ({@link Owners}). For a token of the whole
 * namespace and any owner all of these are the identity.
 */
final class Confined {
    private final Namespace ns;

    Confined(Namespace ns) {
        this.ns = ns;
    }

    /** The namespace path for the caller's {@code path}. */
    String path(Context ctx, String path) throws CairnException {
        return path == null ? null : Principal.subtree(ctx).path(path);
    }

    /** The namespace path for a name the request removes, moves, replaces or links: never the caller's root. */
    String entry(Context ctx, String path) throws CairnException {
        return path == null ? null : Principal.subtree(ctx).entry(path);
    }

    /** The owner uid of a new file: the caller's, squashed and checked against its token (EPERM). */
    Integer newUid(Context ctx, Integer uid) throws CairnException {
        return Principal.owners(ctx).newUid(uid);
    }

    Integer newGid(Context ctx, Integer gid) throws CairnException {
        return Principal.owners(ctx).newGid(gid);
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

    /** Same, for an optional inode. */
    Long inode(Context ctx, Long inode) throws IOException {
        return inode == null ? null : (Long) inode(ctx, inode.longValue());
    }
}
