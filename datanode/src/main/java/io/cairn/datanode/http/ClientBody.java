package io.cairn.datanode.http;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body: a failure to read it (the client went away, the body ended early) is the
 * client's problem, EINVAL, not a disk error of ours.
 */
final class ClientBody extends FilterInputStream {
    ClientBody(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (CairnException e) {
            throw e;
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (CairnException e) {
            throw e;
        } catch (IOException e) {
            throw failed(e);
        }
    }

    private static CairnException failed(IOException e) {
        return new CairnException(ErrorCode.EINVAL, "could not read the request body: " + e.getMessage(), e);
    }
}
