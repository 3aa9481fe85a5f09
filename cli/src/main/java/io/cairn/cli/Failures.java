package io.cairn.cli;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.tls.TlsFailure;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.FileSystemException;

/**
 * The one place a failure becomes an exit status and one line on stderr: 1 when the operation
 * failed (a Cairn error, or a local file or stream that could not be read or written, named with
 * its cause), 2 when the master could not be reached or speaks another wire version (or the usage
 * was wrong, which picocli reports). Only transport failures are "cannot reach": local I/O comes
 * here as a {@link Local.Failure} or a {@link FileSystemException}.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {
    static final int FAILED = 1;
    static final int UNREACHABLE = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        String name = cl.getCommandName();
        if (e instanceof CairnException ce) {
            System.err.println("cairn " + name + ": " + ce.getMessage());
            // another wire version: nothing this command asks will be understood, like an unreachable master
            return ce.code() == ErrorCode.EPROTO ? UNREACHABLE : FAILED;
        }
        if (e instanceof FileSystemException fe) {
            String reason = fe.getReason() != null ? fe.getReason() : fe.getClass().getSimpleName()
                    .replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
            System.err.println("cairn " + name + ": " + fe.getFile() + ": " + reason);
            return FAILED;
        }
        if (e instanceof Local.Failure) { // this machine's disk or streams: the operation failed
            System.err.println("cairn " + name + ": " + e.getMessage());
            return FAILED;
        }
        if (e instanceof UsageException) {
            System.err.println("cairn " + name + ": " + e.getMessage());
            return UNREACHABLE;
        }
        if (e instanceof TlsFailure) { // names the server and the cause already
            System.err.println("cairn " + name + ": " + e.getMessage());
            return UNREACHABLE;
        }
        if (e instanceof IOException) {
            Object master = cl.getCommand() instanceof HasMaster h ? h.masterUrl() : "the master";
            System.err.println("cairn " + name + ": cannot reach " + master + ": " + describe(e));
            return UNREACHABLE;
        }
        if (e instanceof IllegalArgumentException) {
            System.err.println("cairn " + name + ": " + e.getMessage());
            return UNREACHABLE;
        }
        System.err.println("cairn " + name + ": unexpected error: " + e);
        e.printStackTrace(System.err);
        return FAILED;
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** Bad usage found after parsing (exit 2). */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    interface HasMaster {
        String masterUrl();
    }
}
