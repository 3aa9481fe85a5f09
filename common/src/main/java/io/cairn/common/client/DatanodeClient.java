package io.cairn.common.client;

import io.cairn.common.checksum.BlockSums;
import io.cairn.common.checksum.Crc32c;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.ChunkTokens;
import io.cairn.common.wire.Limits;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * Chunk transfers straight to and from datanodes: the bytes never pass through the master. Every
 * call has a deadline from {@link Deadlines}: a chunk's transfer may take the timeout plus a second
 * per MiB, and a fetch that falls below that rate fails as soon as it does. A datanode whose call
 * ran out of time is remembered as slow for a while ({@link #avoided}), so that readers ask it last
 * and writers replace it at once instead of waiting on it for every chunk.
 *
 * <p>Each request carries the chunk token the master gave with the replica
 * ({@code Authorization: CairnChunk <token>}), and nothing else: a client's own credentials go to
 * the master only.
 */
public final class DatanodeClient {
    /** The largest chunk any datanode stores ({@link Limits#MAX_CHUNK}). */
    public static final int MAX_CHUNK = Limits.MAX_CHUNK;
    public static final String CRC_HEADER = "X-Cairn-Crc32c";
    private static final int READ_BLOCK = 64 << 10;
    /** Most chunk ids one sync request names (a datanode takes more, but a body of tokens grows fast). */
    static final int SYNC_BATCH = 10_000;

    private final Http http;
    private final SlowNodes slow;

    public DatanodeClient(Http http) {
        this(http, new SlowNodes(http.deadlines().avoidSlowNode(), System::nanoTime));
    }

    DatanodeClient(Http http, SlowNodes slow) {
        this.http = http;
        this.slow = slow;
    }

    public Deadlines deadlines() {
        return http.deadlines();
    }

    /** Whether the datanode at {@code address} timed out lately: ask it only when no other will do. */
    public boolean avoided(String address) {
        return slow.avoided(address);
    }

    /**
     * Whether a caller that has no other datanode left may try {@code address} although it timed out
     * lately (one caller now and then: see {@link SlowNodes#mayProbe}); otherwise it gives up at once.
     */
    public boolean mayProbe(String address) {
        return slow.mayProbe(address);
    }

    private static HttpUrl base(String address) throws CairnException {
        HttpUrl base = address == null ? null : HttpUrl.parse(address);
        if (base == null) {
            throw new CairnException(ErrorCode.EIO, "bad datanode address: " + address);
        }
        return base;
    }

    private static HttpUrl chunkUrl(String address, String chunkId) throws CairnException {
        return base(address).newBuilder().addPathSegments("api/v1/chunks").addPathSegment(chunkId).build();
    }

    /** {@code builder} with {@code token} in the header a datanode reads it from (nothing when null). */
    private static Request.Builder withToken(Request.Builder builder, String token) {
        return token == null ? builder : builder.header("Authorization", ChunkTokens.header(token));
    }

    /**
     * Stores {@code data[0..length)} as chunk {@code chunkId} on {@code to}; the datanode checks the
     * CRC and syncs before it answers.
     */
    public Replies.Stored put(Replica to, String chunkId, byte[] data, int length, long crc32c) throws IOException {
        return put(to, chunkId, data, length, crc32c, true);
    }

    /**
     * Stores a chunk; with {@code sync} false the datanode answers once the bytes are checked and in
     * its page cache (safe from a process crash), and {@link #sync} makes them durable later.
     */
    public Replies.Stored put(Replica to, String chunkId, byte[] data, int length, long crc32c, boolean sync)
            throws IOException {
        String address = to.address();
        HttpUrl.Builder b = chunkUrl(address, chunkId).newBuilder()
                .addQueryParameter("crc32c", Long.toString(crc32c));
        if (!sync) {
            b.addQueryParameter("sync", "false");
        }
        RequestBody body = RequestBody.create(data, Http.OCTETS, 0, length);
        Request request = withToken(new Request.Builder().url(b.build()).put(body), to.token()).build();
        return answered(address, () -> http.call(request, Replies.Stored.class, deadlines().transfer(length)));
    }

    /**
     * Fetches a whole chunk and checks its length and CRC32C against what the master recorded.
     * Throws {@link CairnException} EBADMSG when the bytes are not the ones written, and a
     * {@link SocketTimeoutException} when they come slower than {@link Deadlines#MIN_BYTES_PER_SECOND}
     * (after a grace of one timeout).
     */
    public byte[] get(Replica from, String chunkId, long expectedSize, long expectedCrc) throws IOException {
        String address = from.address();
        checkSize(chunkId, expectedSize);
        Request request = withToken(new Request.Builder().url(chunkUrl(address, chunkId)).get(), from.token()).build();
        return answered(address, () -> {
            long start = System.nanoTime();
            try (Response response = http.newCall(request, deadlines().transfer(expectedSize)).execute()) {
                if (!response.isSuccessful()) {
                    throw Http.errorOf(response);
                }
                return whole(response, address, chunkId, expectedSize, expectedCrc, start);
            }
        });
    }

    /**
     * Fetches {@code [first, first + length)} of a chunk of {@code chunkSize} bytes whose CRC32C is
     * {@code chunkCrc}, in whole blocks ({@link BlockSums#aligned}), and checks each block against the
     * CRC32C the datanode sends with it ({@link BlockSums#HEADER}: the datanode checked them against
     * what it recorded when it stored the chunk). A datanode that keeps no block sums for the chunk
     * (one stored by an older version) sends the whole chunk instead, which is checked against
     * {@code chunkCrc} and cut to the range. Throws EBADMSG when the bytes are not the ones written.
     */
    public byte[] getRange(Replica from, String chunkId, long chunkSize, long chunkCrc, long first, int length)
            throws IOException {
        String address = from.address();
        checkSize(chunkId, chunkSize);
        if (!BlockSums.aligned(first, length, chunkSize)) {
            throw new IllegalArgumentException("range " + first + "+" + length + " of a chunk of " + chunkSize
                    + " bytes is not in whole blocks");
        }
        long last = first + length - 1;
        Request request = withToken(new Request.Builder().url(chunkUrl(address, chunkId)).get()
                .header("Range", "bytes=" + first + "-" + last), from.token()).build();
        return answered(address, () -> {
            long start = System.nanoTime();
            try (Response response = http.newCall(request, deadlines().transfer(length)).execute()) {
                if (!response.isSuccessful()) {
                    throw Http.errorOf(response);
                }
                if (response.code() == 200) { // no block sums there: the whole chunk, checked whole
                    byte[] all = whole(response, address, chunkId, chunkSize, chunkCrc, start);
                    return java.util.Arrays.copyOfRange(all, (int) first, (int) first + length);
                }
                String range = response.header("Content-Range");
                if (response.code() != 206 || !("bytes " + first + "-" + last + "/" + chunkSize).equals(range)) {
                    throw new CairnException(ErrorCode.EBADMSG, "chunk " + chunkId + " at " + address + " answered "
                            + response.code() + " with range " + range + " for bytes " + first + "-" + last);
                }
                long[] sums = BlockSums.parse(response.header(BlockSums.HEADER), BlockSums.count(length));
                byte[] data = body(response, address, chunkId, length, start);
                int bad = BlockSums.firstBad(data, length, sums);
                if (bad >= 0) {
                    throw new CairnException(ErrorCode.EBADMSG, "block " + (first / BlockSums.BLOCK + bad) + " of chunk "
                            + chunkId + " from " + address + " fails its checksum");
                }
                return data;
            }
        });
    }

    private static void checkSize(String chunkId, long size) throws CairnException {
        if (size < 0 || size > MAX_CHUNK) {
            throw new CairnException(ErrorCode.EIO, "chunk " + chunkId + " has impossible size " + size);
        }
    }

    /** The whole chunk in {@code response}, checked against its recorded length and CRC32C. */
    private byte[] whole(Response response, String address, String chunkId, long expectedSize, long expectedCrc,
                         long start) throws IOException {
        byte[] data = body(response, address, chunkId, expectedSize, start);
        if (crc32c(data, 0, data.length) != expectedCrc) {
            throw new CairnException(ErrorCode.EBADMSG, "chunk " + chunkId + " at " + address + " fails its checksum");
        }
        return data;
    }

    /** Exactly {@code expected} bytes of body, at no less than the minimum rate; EBADMSG for more or fewer. */
    private byte[] body(Response response, String address, String chunkId, long expected, long start)
            throws IOException {
        ResponseBody body = response.body();
        byte[] data = new byte[(int) expected];
        int n = 0;
        try (InputStream in = body.byteStream()) {
            while (n < data.length) {
                int r = in.read(data, n, Math.min(READ_BLOCK, data.length - n));
                if (r < 0) {
                    break;
                }
                n += r;
                checkRate(address, chunkId, n, start);
            }
            if (n == data.length && in.read() != -1) {
                throw new CairnException(ErrorCode.EBADMSG, "chunk " + chunkId + " at " + address
                        + " sent more than " + expected + " bytes");
            }
        }
        if (n != expected) {
            throw new CairnException(ErrorCode.EBADMSG, "chunk " + chunkId + " at " + address + " sent " + n
                    + " bytes, expected " + expected);
        }
        return data;
    }

    /** Fails a transfer that, one timeout after it began, moves fewer bytes than the minimum rate allows. */
    private void checkRate(String address, String chunkId, long moved, long startNanos) throws SocketTimeoutException {
        long late = System.nanoTime() - startNanos - deadlines().call().toNanos();
        if (late > 0 && moved < late / 1_000_000_000.0 * Deadlines.MIN_BYTES_PER_SECOND) {
            throw new SocketTimeoutException("chunk " + chunkId + " from " + address + " comes slower than "
                    + (Deadlines.MIN_BYTES_PER_SECOND >> 10) + " KiB/s (" + moved + " bytes so far)");
        }
    }

    /**
     * Makes chunks stored with {@code sync=false} durable on the datanode's disk (fsync);
     * {@code bytes} is about how much they hold, so that the call may take in proportion;
     * {@code tokens} holds a write token for each chunk, in the same order. Many chunks go in
     * several requests of at most {@link #SYNC_BATCH}.
     */
    public void sync(String address, List<String> chunkIds, List<String> tokens, long bytes) throws IOException {
        if (tokens.size() != chunkIds.size()) {
            throw new IllegalArgumentException(chunkIds.size() + " chunk ids but " + tokens.size() + " tokens");
        }
        for (int from = 0; from < chunkIds.size(); from += SYNC_BATCH) {
            int to = Math.min(chunkIds.size(), from + SYNC_BATCH);
            Requests.SyncChunks body = new Requests.SyncChunks(List.copyOf(chunkIds.subList(from, to)),
                    new ArrayList<>(tokens.subList(from, to)));
            Request request = new Request.Builder()
                    .url(base(address).newBuilder().addPathSegments("api/v1/sync").build()).post(Http.json(body)).build();
            long share = bytes / chunkIds.size() * (to - from);
            answered(address, () -> http.call(request, Replies.Ok.class, deadlines().transfer(share)));
        }
    }

    public void delete(Replica at, String chunkId) throws IOException {
        Request request = withToken(new Request.Builder().url(chunkUrl(at.address(), chunkId)).delete(), at.token())
                .build();
        answered(at.address(), () -> http.call(request, Replies.Ok.class));
    }

    /** Who the datanode at {@code address} is and how full; {@code token} is a status token for it. */
    public Replies.DatanodeStatus status(String address, String token) throws IOException {
        Request request = withToken(new Request.Builder()
                .url(base(address).newBuilder().addPathSegments("api/v1/status").build()).get(), token).build();
        return answered(address, () -> http.call(request, Replies.DatanodeStatus.class));
    }

    public static long crc32c(byte[] data, int off, int len) {
        return Crc32c.of(data, off, len);
    }

    @FunctionalInterface
    private interface Exchange<T> {
        T run() throws IOException;
    }

    /** Runs one exchange with the datanode at {@code address}, remembering whether it answered in time. */
    private <T> T answered(String address, Exchange<T> exchange) throws IOException {
        T result;
        try {
            result = exchange.run();
        } catch (CairnException e) {
            slow.answered(address); // it answered (with an error): not slow
            throw e;
        } catch (IOException e) {
            if (Http.isTimeout(e)) {
                slow.timedOut(address);
            }
            throw e;
        }
        slow.answered(address);
        return result;
    }
}
