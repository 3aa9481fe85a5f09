package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * Streams a file's bytes to an output: chunk by chunk, each verified against its CRC32C, with a
 * small read-ahead; holes and the unused tail of a truncated chunk come out as zeros. Memory stays
 * at (readAhead + 1) chunks. A chunk's fetch may take what {@link Deadlines#chunkRead} allows
 * (several replicas in turn), then the download fails with EIO.
 */
public final class FileDownloader {
    private final ChunkService cluster;
    private final ExecutorService pool;
    private final int readAhead;

    FileDownloader(ChunkService cluster, ExecutorService pool, int readAhead) {
        this.cluster = cluster;
        this.pool = pool;
        this.readAhead = Math.max(1, readAhead);
    }

    public long download(long inode, OutputStream out, LongConsumer progress) throws IOException {
        LayoutPages pages = new LayoutPages(cluster::layout, inode);
        FileLayout first = pages.page(0);
        long size = first.size();
        long chunkSize = first.chunkSize();
        LayoutPages.Walk chunks = pages.walk(first);
        boolean listed = false; // every chunk of the list has been taken
        Deque<Fetch> window = new ArrayDeque<>();
        byte[] zeros = new byte[64 * 1024];
        long fetchNanos = cluster.deadlines().chunkRead(chunkSize).plusSeconds(1).toNanos();
        long pos = 0;
        try {
            while (pos < size) {
                while (window.size() < readAhead && !listed) {
                    ChunkRef c = chunks.next();
                    if (c == null) {
                        listed = true;
                        break;
                    }
                    if (c.index() * chunkSize >= size) {
                        continue;
                    }
                    window.add(new Fetch(c, CompletableFuture.supplyAsync(() -> {
                        try {
                            return fetch(pages, c);
                        } catch (IOException e) {
                            throw new CompletionException(e);
                        }
                    }, pool)));
                }
                Fetch next = window.peek();
                long nextStart = next == null ? size : Math.min(size, next.chunk.index() * chunkSize);
                if (pos < nextStart) { // a hole
                    long n = Math.min(nextStart - pos, zeros.length);
                    out.write(zeros, 0, (int) n);
                    pos += n;
                    progress.accept(n);
                    continue;
                }
                window.poll();
                byte[] data = next.data.get(fetchNanos, TimeUnit.NANOSECONDS);
                long chunkEnd = Math.min(size, (next.chunk.index() + 1) * chunkSize);
                int covered = next.chunk.slices() == null ? (int) Math.min(next.chunk.length(), data.length)
                        : data.length; // merged with its slices already
                int used = (int) Math.min(covered, chunkEnd - pos);
                out.write(data, 0, used);
                pos += used;
                progress.accept(used);
                while (pos < chunkEnd) { // past the chunk's used length: zeros
                    long n = Math.min(chunkEnd - pos, zeros.length);
                    out.write(zeros, 0, (int) n);
                    pos += n;
                    progress.accept(n);
                }
            }
        } catch (TimeoutException e) {
            throw new CairnException(ErrorCode.EIO, "a chunk's fetch did not finish within "
                    + TimeUnit.NANOSECONDS.toSeconds(fetchNanos) + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } finally {
            for (Fetch f : window) {
                f.data.cancel(true);
            }
        }
        return pos;
    }

    /** The chunk's bytes with its slices laid over them ({@link Overlay#length} of them when it has slices). */
    private byte[] fetch(LayoutPages pages, ChunkRef c) throws IOException {
        byte[] own = fetchBlob(pages, c);
        if (c.slices() == null) {
            return own;
        }
        return Overlay.merge(c, own, own.length, s -> fetchBlob(pages, s));
    }

    /** A chunk's or slice's bytes; once more with fresh chunk tokens when a datanode refused those of the layout. */
    private byte[] fetchBlob(LayoutPages pages, ChunkRef c) throws IOException {
        try {
            return cluster.fetch(c);
        } catch (IOException e) {
            ChunkRef fresh = LayoutPages.tokenRefused(e) ? pages.again(c) : null;
            if (fresh == null) {
                throw e;
            }
            return cluster.fetch(fresh);
        }
    }

    private record Fetch(ChunkRef chunk, CompletableFuture<byte[]> data) {
    }
}
