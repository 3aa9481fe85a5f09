package io.cairn.mount.fuse;

import io.cairn.common.error.CairnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Runs a FUSE callback so that nothing escapes into jnr-fuse (which would swallow it and answer EIO
 * with nothing logged): a Cairn error becomes its errno, a transport failure EIO with one warning,
 * anything else EIO with its stack trace.
 */
final class Guard {
    private static final Logger LOG = LoggerFactory.getLogger("io.cairn.mount.fuse.Calls");

    @FunctionalInterface
    interface Body {
        int run() throws Exception;
    }

    private Guard() {
    }

    static int call(String op, String path, Body body) {
        try {
            int r = body.run();
            if (LOG.isTraceEnabled()) {
                LOG.trace("{} {} -> {}", op, path, r);
            }
            return r;
        } catch (CairnException e) {
            int errno = Errno.of(e);
            switch (e.code()) {
                case ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EINVAL, ENAMETOOLONG, EPERM, EACCES, ELOOP, EXDEV ->
                        LOG.debug("{} {}: {} {}", op, path, e.code(), e.getMessage());
                default -> LOG.warn("{} {}: {} {}", op, path, e.code(), e.getMessage());
            }
            return -errno;
        } catch (IOException e) {
            LOG.warn("{} {}: {}", op, path, e.toString());
            return -Errno.of(e);
        } catch (Throwable t) {
            LOG.error("{} {} failed unexpectedly", op, path, t);
            return -Errno.of(t);
        }
    }
}
