package io.cairn.master.meta;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A fixed number of connections of one kind (writers or readers), opened when first needed. Taking
 * one waits at most {@code wait}; a connection given back broken is closed and a fresh one opened
 * the next time one is needed. An engine with a pool of its own ({@link Dialect#pooled}) gets every
 * connection back after each transaction; this pool then only bounds how many are out and how long
 * a caller waits.
 */
final class ConnectionPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);
    private final Dialect dialect;
    private final boolean reader;
    private final Duration wait;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    ConnectionPool(Dialect dialect, boolean reader, int size, Duration wait) {
        this.dialect = dialect;
        this.reader = reader;
        this.wait = wait;
        this.permits = new Semaphore(Math.max(1, size), true);
    }

    private String kind() {
        return reader ? "reader" : "writer";
    }

    Connection take() throws CairnException {
        try {
            if (!permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new CairnException(ErrorCode.EIO, "metadata store busy: no " + kind() + " connection free for "
                        + wait.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.EIO, "interrupted while waiting for a metadata " + kind() + " connection");
        }
        if (closed) {
            permits.release();
            throw new CairnException(ErrorCode.EIO, "metadata store is closed");
        }
        Connection c = idle.poll();
        if (c != null) {
            return c;
        }
        try {
            return dialect.connect(reader);
        } catch (SQLException e) {
            permits.release();
            throw new CairnException(ErrorCode.EIO, "metadata store unavailable: cannot connect to " + dialect.describe()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Gives back a connection taken from this pool; a broken one is closed. */
    void give(Connection c, boolean broken) {
        if (dialect.pooled()) {
            try {
                dialect.release(c, broken);
            } catch (SQLException e) {
                LOG.warn("giving back a {} connection to {} failed: {}", kind(), dialect.describe(), e.toString());
            }
        } else if (broken) {
            quietlyClose(c);
        } else {
            idle.add(c);
            if (closed) {
                drain();
            }
        }
        permits.release();
    }

    private void drain() {
        for (Connection c = idle.poll(); c != null; c = idle.poll()) {
            quietlyClose(c);
        }
    }

    private void quietlyClose(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warn("closing a {} connection to {} failed: {}", kind(), dialect.describe(), e.toString());
        }
    }

    /** Closes the idle connections now and the others as they come back. */
    @Override
    public void close() {
        closed = true;
        drain();
    }
}
