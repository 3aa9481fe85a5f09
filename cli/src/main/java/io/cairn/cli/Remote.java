package io.cairn.cli;

import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.wire.Attr;

import java.io.IOException;

/** Small helpers for Cairn paths given on the command line. */
final class Remote {
    private Remote() {
    }

    /** A remote path as typed ("docs/a" is taken from the root) in canonical form. */
    static String path(String typed) throws CairnException {
        return PathRules.normalize(typed.startsWith("/") ? typed : "/" + typed);
    }

    static String child(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }

    /** The attributes at a path, or null when nothing is there. */
    static Attr attrOrNull(MasterClient m, String path) throws IOException {
        try {
            return m.attr(path);
        } catch (CairnException e) {
            if (e.code() == ErrorCode.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    /** The caller's numeric uid and gid, so that files created from the shell belong to who made them. */
    static int[] owner() {
        io.cairn.common.security.Caller self = io.cairn.common.security.Caller.process(); // the ids X-Cairn-As sends
        if (self != null) {
            return new int[] {self.uid(), self.gid()};
        }
        try {
            com.sun.security.auth.module.UnixSystem u = new com.sun.security.auth.module.UnixSystem();
            return new int[] {(int) u.getUid(), (int) u.getGid()};
        } catch (RuntimeException | LinkageError e) {
            return new int[] {0, 0};
        }
    }
}
