package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * Streams a local input into a file's chunks: reads one chunk at a time into a small pool of
 * buffers and uploads up to {@code inFlight} chunks at once through the file's {@link FileChunks},
 * which commits them in batches. Every chunk is synced on its replicas before it counts, so a
 * finished upload survives a power cut (a replica that dies or stalls during the upload is
 * replaced, and the upload fails only when fewer than the cluster's minimum of synced copies can be
 * had). Memory stays at (inFlight + 1) chunk buffers whatever the file's size. Every wait has a
 * deadline: a chunk's upload may take what {@link Deadlines#chunkWrite} allows, plus the master's
 * allocation.
 */
public final class FileUploader {
    private final ChunkService cluster;
    private final ExecutorService pool;
    private final int inFlight;

    FileUploader(ChunkService cluster, ExecutorService pool, int inFlight) {
        this.cluster = cluster;
        this.pool = pool;
        this.inFlight = Math.max(1, inFlight);
    }

    /** Writes all of {@code in} as the content of {@code inode} (which must be empty) and returns its attributes. */
    public Attr upload(long inode, int chunkSize, InputStream in, LongConsumer progress) throws IOException {
        FileChunks chunks = new FileChunks(cluster, inode, chunkSize, attr -> { });
        BlockingQueue<byte[]> buffers = new ArrayBlockingQueue<>(inFlight + 1);
        for (int i = 0; i <= inFlight; i++) {
            buffers.add(new byte[chunkSize]);
        }
        Deque<Future<ChunkRef>> pending = new ArrayDeque<>();
        long offset = 0;
        long index = 0;
        Deadlines d = cluster.deadlines();
        long chunkNanos = d.chunkWrite(chunkSize).plus(d.call()).toNanos(); // the allocation, then the write
        try {
            while (true) {
                byte[] buf = buffers.poll(chunkNanos, TimeUnit.NANOSECONDS); // uploads give their buffers back
                if (buf == null) {
                    throw new TimeoutException();
                }
                int n = in.readNBytes(buf, 0, chunkSize);
                if (n == 0) {
                    buffers.add(buf);
                    break;
                }
                final long chunkIndex = index++;
                final int length = n;
                pending.add(pool.submit(() -> {
                    try {
                        return chunks.upload(chunkIndex, buf, length, true);
                    } finally {
                        buffers.add(buf);
                    }
                }));
                offset += n;
                while (pending.size() >= inFlight || (!pending.isEmpty() && pending.peek().isDone())) {
                    progress.accept(pending.poll().get(chunkNanos, TimeUnit.NANOSECONDS).length());
                    chunks.commitIfBatchFull();
                }
                if (n < chunkSize) {
                    break;
                }
            }
            while (!pending.isEmpty()) {
                progress.accept(pending.poll().get(chunkNanos, TimeUnit.NANOSECONDS).length());
            }
        } catch (TimeoutException e) {
            throw new CairnException(ErrorCode.EIO, "a chunk's upload did not finish within "
                    + TimeUnit.NANOSECONDS.toSeconds(chunkNanos) + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("upload interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause);
        } finally {
            for (Future<?> f : pending) {
                f.cancel(true);
            }
        }
        long size = offset;
        return chunks.commit(() -> size);
    }
}
