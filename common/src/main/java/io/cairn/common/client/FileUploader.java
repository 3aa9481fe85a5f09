package io.cairn.common.client;

import io.cairn.common.wire.Attr;
import io.cairn.common.wire.Requests;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Streams a local input into a file's chunks: reads one chunk at a time into a small pool of
 * buffers, writes up to {@code inFlight} chunks at once, and commits the chunk list to the master
 * in batches. Memory stays at (inFlight + 1) chunk buffers whatever the file's size.
 */
public final class FileUploader {
    private static final int COMMIT_BATCH = 64;

    private final MasterClient master;
    private final ChunkWriter writer;
    private final ExecutorService pool;
    private final int inFlight;

    public FileUploader(MasterClient master, ChunkWriter writer, ExecutorService pool, int inFlight) {
        this.master = master;
        this.writer = writer;
        this.pool = pool;
        this.inFlight = Math.max(1, inFlight);
    }

    /** Writes all of {@code in} as the content of {@code inode} (which must be empty) and returns its attributes. */
    public Attr upload(long inode, int chunkSize, InputStream in, LongConsumer progress) throws IOException {
        BlockingQueue<byte[]> buffers = new ArrayBlockingQueue<>(inFlight + 1);
        for (int i = 0; i <= inFlight; i++) {
            buffers.add(new byte[chunkSize]);
        }
        Deque<Future<Requests.CommitChunk>> pending = new ArrayDeque<>();
        List<Requests.CommitChunk> done = new ArrayList<>();
        long offset = 0;
        long index = 0;
        Attr attr = null;
        try {
            while (true) {
                byte[] buf = buffers.take();
                int n = in.readNBytes(buf, 0, chunkSize);
                if (n == 0) {
                    buffers.add(buf);
                    break;
                }
                final long chunkIndex = index++;
                final int length = n;
                pending.add(pool.submit(() -> {
                    try {
                        return writer.write(inode, chunkIndex, buf, length);
                    } finally {
                        buffers.add(buf);
                    }
                }));
                offset += n;
                while (pending.size() >= inFlight || (!pending.isEmpty() && pending.peek().isDone())) {
                    Requests.CommitChunk c = pending.poll().get();
                    done.add(c);
                    progress.accept(c.length());
                    if (done.size() >= COMMIT_BATCH) {
                        attr = commit(inode, done);
                    }
                }
                if (n < chunkSize) {
                    break;
                }
            }
            while (!pending.isEmpty()) {
                Requests.CommitChunk c = pending.poll().get();
                done.add(c);
                progress.accept(c.length());
            }
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
        Attr last = master.commit(new Requests.Commit(inode, offset, List.copyOf(done), null));
        return last != null ? last : attr;
    }

    private Attr commit(long inode, List<Requests.CommitChunk> done) throws IOException {
        // A negative size lets the file grow to cover the batch; the final commit sets it exactly.
        Attr a = master.commit(new Requests.Commit(inode, -1, List.copyOf(done), null));
        done.clear();
        return a;
    }
}
