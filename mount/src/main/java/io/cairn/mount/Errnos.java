package io.cairn.mount;

import io.cairn.common.error.CairnException;
import jnr.constants.platform.Errno;

import java.io.IOException;

/** The one mapping from Cairn's error codes (and transport failures) to the negative errno FUSE wants. */
final class Errnos {
    private Errnos() {
    }

    static int of(Throwable e) {
        if (e instanceof CairnException ce) {
            return -switch (ce.code()) {
                case ENOENT -> Errno.ENOENT.intValue();
                case EEXIST -> Errno.EEXIST.intValue();
                case ENOTDIR -> Errno.ENOTDIR.intValue();
                case EISDIR -> Errno.EISDIR.intValue();
                case ENOTEMPTY -> Errno.ENOTEMPTY.intValue();
                case EINVAL -> Errno.EINVAL.intValue();
                case ENAMETOOLONG -> Errno.ENAMETOOLONG.intValue();
                case EPERM -> Errno.EPERM.intValue();
                case EACCES -> Errno.EACCES.intValue();
                case ELOOP -> Errno.ELOOP.intValue();
                case EXDEV -> Errno.EXDEV.intValue();
                case ENOSPC, ENONODES -> Errno.ENOSPC.intValue();
                case EFBIG -> Errno.EFBIG.intValue();
                case ENOSYS -> Errno.ENOSYS.intValue();
                default -> Errno.EIO.intValue();
            };
        }
        if (e instanceof IOException) {
            return -Errno.EIO.intValue();
        }
        return -Errno.EIO.intValue();
    }

    static final int ENOENT = -Errno.ENOENT.intValue();
    static final int EIO = -Errno.EIO.intValue();
    static final int ENOTSUP = -Errno.EOPNOTSUPP.intValue();
    static final int ENOSYS = -Errno.ENOSYS.intValue();
    static final int EINVAL = -Errno.EINVAL.intValue();
    static final int EBADF = -Errno.EBADF.intValue();
    static final int ENODATA = -Errno.ENODATA.intValue();
}
