package io.cairn.datanode.http;

import io.cairn.common.checksum.BlockSums;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.datanode.scrub.BadChunks;
import io.cairn.datanode.store.BadChunkException;
import io.cairn.datanode.store.Blocks;
import io.cairn.datanode.store.ChunkStore;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A GET of a chunk with a Range header: 206 with the blocks asked for, {@code Content-Range}, and in
 * {@link BlockSums#HEADER} the CRC32C the sidecar recorded for each of them. The range is in whole
 * blocks ({@link BlockSums#aligned}; else 400 EINVAL) and starts inside the chunk (else 416, with
 * {@code Content-Range: bytes *}{@code /SIZE}). The sums of a whole 64 MiB chunk (1024 of them, about
 * 11 KB) fit in the server's response header.
 * <p>
 * Blocks are read one at a time and each is checked before it is sent. A bad first block is
 * answered 422 EBADMSG; a bad later one ends the reply where it is: the connection is closed short of
 * its Content-Length, so the reader sees a body cut short, never a complete one. Either way the
 * chunk goes to {@link BadChunks}, as one the scrubber found. A chunk without a usable sidecar is
 * sent whole with 200, as RFC 9110 allows (the reader checks it against the master's CRC32C).
 */
final class RangedRead {
    private static final Logger LOG = LoggerFactory.getLogger(RangedRead.class);

    private final ChunkStore store;
    private final BadChunks bad;

    RangedRead(ChunkStore store, BadChunks bad) {
        this.store = store;
        this.bad = bad;
    }

    /** Serves {@code range} of chunk {@code id}; returns the bytes the reply carries. */
    long serve(Context ctx, String id, ByteRange range) throws Exception {
        Blocks blocks = opened(id);
        boolean handedOver = false;
        try {
            long size = blocks.size();
            if (!blocks.checked()) {
                ctx.status(200).contentType(ChunkRoutes.OCTETS);
                ctx.res().setContentLengthLong(size);
                ctx.result(blocks.whole()); // Javalin closes it once it is sent
                handedOver = true;
                return size;
            }
            if (range.first() >= size) {
                ctx.header("Content-Range", "bytes */" + size);
                throw new HttpResponseException(416, "the range starts at byte " + range.first() + ", past the end of chunk "
                        + id + " (" + size + " bytes)");
            }
            long length = range.lengthIn(size);
            if (!BlockSums.aligned(range.first(), length, size)) {
                throw new CairnException(ErrorCode.EINVAL, "a ranged read is in whole blocks of " + BlockSums.BLOCK
                        + " bytes: FIRST a multiple of " + BlockSums.BLOCK + ", LAST one before a multiple of it or the "
                        + "chunk's last byte (" + (size - 1) + ")");
            }
            int from = (int) (range.first() / BlockSums.BLOCK);
            int count = BlockSums.count(length);
            send(ctx, id, blocks, range.first(), length, from, count, size);
            return length;
        } finally {
            if (!handedOver) {
                blocks.close();
            }
        }
    }

    private Blocks opened(String id) throws IOException {
        try {
            return store.openBlocks(id);
        } catch (BadChunkException e) {
            bad.found(e.chunkId(), e.detail());
            throw e;
        }
    }

    private void send(Context ctx, String id, Blocks blocks, long first, long length, int from, int count, long size)
            throws IOException {
        byte[] buf = new byte[BlockSums.BLOCK];
        int n = read(blocks, from, buf); // before anything is sent: a bad first block is a plain 422
        ctx.status(206).contentType(ChunkRoutes.OCTETS);
        ctx.header("Content-Range", "bytes " + first + "-" + (first + length - 1) + "/" + size);
        ctx.header(BlockSums.HEADER, BlockSums.format(blocks.sums(from, count)));
        ctx.res().setContentLengthLong(length);
        OutputStream out = ctx.res().getOutputStream();
        for (int i = 0; ; ) {
            try {
                out.write(buf, 0, n);
            } catch (IOException e) {
                LOG.debug("GET of chunk {}: the reader went away ({})", id, e.toString());
                return;
            }
            if (++i == count) {
                return;
            }
            try {
                n = read(blocks, from + i, buf);
            } catch (BadChunkException e) {
                LOG.warn("GET of chunk {}: block {} is bad; the reply is cut short", id, from + i);
                Abort.reply(ctx, e);
                return;
            }
        }
    }

    private int read(Blocks blocks, int index, byte[] buf) throws IOException {
        try {
            return blocks.read(index, buf);
        } catch (BadChunkException e) {
            bad.found(e.chunkId(), e.detail());
            throw e;
        }
    }
}
