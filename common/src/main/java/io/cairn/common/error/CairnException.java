package io.cairn.common.error;

import java.io.IOException;

/**
 * A failure that a server reported, or that a rule refused, with its code. Transport failures
 * (connection refused, timeouts) stay plain {@link IOException}s so callers can tell them apart.
 */
public class CairnException extends IOException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public CairnException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public CairnException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static CairnException of(ErrorCode code, String format, Object... args) {
        return new CairnException(code, String.format(format, args));
    }
}
