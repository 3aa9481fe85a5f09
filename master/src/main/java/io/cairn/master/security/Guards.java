package io.cairn.master.security;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.server.Guard;

/**
 * The guards of the master's route groups: each authenticates the request ({@link Authenticator})
 * and then lets through only the scopes its group serves; a known caller without the right scope
 * is EACCES (403).
 */
public final class Guards {
    private final Authenticator auth;

    public Guards(Authenticator auth) {
        this.auth = auth;
    }

    /** The namespace and chunk lists: GET for readers, every other method for writers. */
    public Guard files() {
        return ctx -> {
            Principal p = auth.authenticate(ctx);
            boolean read = "GET".equals(ctx.method().name()) || "HEAD".equals(ctx.method().name());
            if (read ? !p.scope().reads() : !p.scope().writes()) {
                throw refused(p, read ? "read files" : "change files");
            }
        };
    }

    /** Mount sessions and locks: any client that may read files (a lock is taken on a file opened to read, too). */
    public Guard locks() {
        return ctx -> {
            Principal p = auth.authenticate(ctx);
            if (!p.scope().reads()) {
                throw refused(p, "lock files");
            }
        };
    }

    /** A datanode's own calls. */
    public Guard nodes() {
        return only(Scope.NODE, "make datanode calls");
    }

    /** Bad replica reports: from datanodes (their scrubber) and from readers. */
    public Guard badReplicas() {
        return ctx -> {
            Principal p = auth.authenticate(ctx);
            if (p.scope() != Scope.NODE && !p.scope().reads()) {
                throw refused(p, "report bad replicas");
            }
        };
    }

    /** The cluster's status and datanode list. */
    public Guard clusterView() {
        return ctx -> {
            Principal p = auth.authenticate(ctx);
            if (!p.scope().seesCluster()) {
                throw refused(p, "see the cluster's status");
            }
        };
    }

    /** Administration: tokens, join tokens, backup, decommission, fsck. */
    public Guard admin() {
        return only(Scope.ADMIN, "administer the cluster");
    }

    /** A datanode enrolling, with a join token. */
    public Guard enroll() {
        return only(Scope.JOIN, "enroll a datanode (that needs a join token)");
    }

    private Guard only(Scope scope, String what) {
        return ctx -> {
            Principal p = auth.authenticate(ctx);
            if (p.scope() != scope) {
                throw refused(p, what);
            }
        };
    }

    private static CairnException refused(Principal p, String what) {
        return new CairnException(ErrorCode.EACCES, p.name() + " (" + p.scope().wire() + ") may not " + what);
    }
}
