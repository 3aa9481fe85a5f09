package io.cairn.server;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body as a route reads it: at most {@code limit} bytes (one more is EFBIG, so a body sent
 * without a Content-Length is cut off too), and a failure to read it (the client went away, the body
 * ended early) is the client's problem, EINVAL, not a disk error of ours.
 */
final class ClientBody extends FilterInputStream {
    private final long limit;
    private long read;

    ClientBody(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = super.read();
        } catch (CairnException e) {
            throw e;
        } catch (IOException e) {
            throw failed(e);
        }
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            // never more than one byte past the limit: enough to tell, no more
            n = super.read(b, off, (int) Math.min(len, limit - read + 1));
        } catch (CairnException e) {
            throw e;
        } catch (IOException e) {
            throw failed(e);
        }
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long skipped = 0;
        int r;
        while (skipped < n && (r = read(buf, 0, (int) Math.min(buf.length, n - skipped))) > 0) {
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void count(int n) throws CairnException {
        read += n;
        if (read > limit) {
            throw tooLarge(limit);
        }
    }

    static CairnException tooLarge(long limit) {
        return new CairnException(ErrorCode.EFBIG, "request body over " + limit + " bytes");
    }

    private static CairnException failed(IOException e) {
        return new CairnException(ErrorCode.EINVAL, "could not read the request body: " + e.getMessage(), e);
    }
}
