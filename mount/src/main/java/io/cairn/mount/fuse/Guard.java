package io.cairn.mount.fuse;

import io.cairn.common.error.CairnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.ErrorCodes;

import java.io.IOException;

/**
 * Runs a FUSE callback so that nothing escapes into jnr-fuse (which would swallow it and answer EIO
 * with nothing logged): a Cairn error becomes its errno, a transport failure EIO with one warning,
 * anything else EIO with its stack trace. A path that was not valid UTF-8 is refused with EILSEQ
 * before anything else (see {@link #mangled}).
 */
final class Guard {
    private static final Logger LOG = LoggerFactory.getLogger("io.cairn.mount.fuse.Calls");

    @FunctionalInterface
    interface Body {
        int run() throws Exception;
    }

    private Guard() {
    }

    /**
     * Whether jnr-fuse had to replace bytes that are not UTF-8 when it turned a path into a string:
     * it decodes with U+FFFD for each bad sequence, so such a name would be stored changed. A name
     * that really holds U+FFFD (bytes EF BF BD) is refused too: the two cannot be told apart here.
     */
    static boolean mangled(String path) {
        return path != null && path.indexOf('\uFFFD') >= 0;
    }

    /** A call with two paths (rename, link, symlink's name and target): both must be valid UTF-8. */
    static int call(String op, String path, String other, Body body) {
        if (mangled(other)) {
            LOG.debug("{} {}: the other name is not valid UTF-8", op, path);
            return -ErrorCodes.EILSEQ();
        }
        return call(op, path, body);
    }

    static int call(String op, String path, Body body) {
        if (mangled(path)) {
            LOG.debug("{} {}: not valid UTF-8", op, path);
            return -ErrorCodes.EILSEQ();
        }
        try {
            int r = body.run();
            if (LOG.isTraceEnabled()) {
                LOG.trace("{} {} -> {}", op, path, r);
            }
            return r;
        } catch (CairnException e) {
            int errno = Errno.of(e);
            switch (e.code()) {
                case ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EINVAL, ENAMETOOLONG, EPERM, EACCES, ELOOP, EXDEV, ENODATA ->
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
