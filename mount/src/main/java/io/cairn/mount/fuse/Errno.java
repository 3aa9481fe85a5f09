package io.cairn.mount.fuse;

import io.cairn.common.error.CairnException;
import ru.serce.jnrfuse.ErrorCodes;

/** The one place where a failure becomes an errno for the kernel. */
public final class Errno {
    private Errno() {
    }

    /**
     * The (positive) errno for a failure: a cluster error code maps to its POSIX twin; "no datanode
     * has room" is ENOSPC; corrupt or unreadable data, a transport failure (master or datanode
     * unreachable, timed out) and anything unexpected are EIO.
     */
    public static int of(Throwable t) {
        if (!(t instanceof CairnException ce)) {
            return ErrorCodes.EIO();
        }
        return switch (ce.code()) {
            case ENOENT -> ErrorCodes.ENOENT();
            case EEXIST -> ErrorCodes.EEXIST();
            case ENOTDIR -> ErrorCodes.ENOTDIR();
            case EISDIR -> ErrorCodes.EISDIR();
            case ENOTEMPTY -> ErrorCodes.ENOTEMPTY();
            case EINVAL -> ErrorCodes.EINVAL();
            case ENAMETOOLONG -> ErrorCodes.ENAMETOOLONG();
            case EPERM -> ErrorCodes.EPERM();
            case EACCES, EAUTH -> ErrorCodes.EACCES();
            case ELOOP -> ErrorCodes.ELOOP();
            case EXDEV -> ErrorCodes.EXDEV();
            case EFBIG -> ErrorCodes.EFBIG();
            case ENOSYS -> ErrorCodes.ENOSYS();
            case ENODATA -> ErrorCodes.ENODATA();
            case ENOLCK -> ErrorCodes.ENOLCK();
            case ENOSPC, ENONODES -> ErrorCodes.ENOSPC();
            case EIO, EBADMSG, ECLUSTER, EUNKNOWNNODE, EPROTO, ESTALE -> ErrorCodes.EIO();
        };
    }
}
