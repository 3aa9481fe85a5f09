package io.cairn.datanode.store;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

/**
 * A read found a stored chunk bad (a block or the whole not the CRC32C recorded, cut short): the
 * same finding as the scrubber's {@link Check.Result#CORRUPT}, and to be handled the same way. It is
 * EBADMSG to the reader; {@link #detail} says what is wrong, as a {@link Check}'s does.
 */
public final class BadChunkException extends CairnException {
    private static final long serialVersionUID = 1L;
    private final String chunkId;
    private final String detail;

    BadChunkException(String chunkId, String detail) {
        super(ErrorCode.EBADMSG, "chunk " + chunkId + " here is damaged: " + detail);
        this.chunkId = chunkId;
        this.detail = detail;
    }

    public String chunkId() {
        return chunkId;
    }

    public String detail() {
        return detail;
    }
}
