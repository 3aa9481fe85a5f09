package io.cairn.common.error;

/**
 * The one list of error codes that travel on the wire. Names follow POSIX errno where one fits;
 * each code knows its HTTP status. The mount maps a code to an errno and the CLI to an exit status,
 * each in exactly one place.
 */
public enum ErrorCode {
    ENOENT(404),
    EEXIST(409),
    ENOTDIR(409),
    EISDIR(409),
    ENOTEMPTY(409),
    EINVAL(400),
    ENAMETOOLONG(400),
    /** No credentials, or credentials that are not valid (unknown, revoked, expired, forged). */
    EAUTH(401),
    EPERM(403),
    EACCES(403),
    ELOOP(400),
    EXDEV(409),
    ENOSPC(507),
    /** No such extended attribute. */
    ENODATA(404),
    EIO(500),
    /** Stored bytes do not match their checksum. */
    EBADMSG(422),
    /** The request body was larger than allowed. */
    EFBIG(413),
    /** No such route or method. */
    ENOSYS(404),
    /** A datanode or master belongs to another cluster. */
    ECLUSTER(409),
    /** Not enough live datanodes to place a chunk. */
    ENONODES(503),
    /** A datanode the master does not know (it must register again). */
    EUNKNOWNNODE(404),
    /** The caller speaks another Cairn wire version than the server (see {@code WireVersion}). */
    EPROTO(400),
    /**
     * What the caller holds is no longer valid: a commit names a chunk whose lease ended (so it may
     * have been deleted), or a datanode's chunk report was overtaken by a newer one.
     */
    ESTALE(409),
    /** A mount's session holds as many locks as it may ({@code Limits.LOCKS_PER_SESSION}). */
    ENOLCK(409);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Parses a wire code; an unknown one (from a newer peer) becomes EIO. */
    public static ErrorCode parse(String s) {
        if (s == null) {
            return EIO;
        }
        try {
            return valueOf(s);
        } catch (IllegalArgumentException e) {
            return EIO;
        }
    }
}
