package io.cairn.common.client;

import io.cairn.common.checksum.Crc32c;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Limits;
import io.cairn.common.wire.Replies;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InputStream;

/** Chunk transfers straight to and from datanodes: the bytes never pass through the master. */
public final class DatanodeClient {
    /** The largest chunk any datanode stores ({@link Limits#MAX_CHUNK}). */
    public static final int MAX_CHUNK = Limits.MAX_CHUNK;
    public static final String CRC_HEADER = "X-Cairn-Crc32c";

    private final Http http;

    public DatanodeClient(Http http) {
        this.http = http;
    }

    private static HttpUrl chunkUrl(String address, String chunkId) throws CairnException {
        HttpUrl base = HttpUrl.parse(address);
        if (base == null) {
            throw new CairnException(ErrorCode.EIO, "bad datanode address: " + address);
        }
        return base.newBuilder().addPathSegments("api/v1/chunks").addPathSegment(chunkId).build();
    }

    /** Stores {@code data[0..length)} as chunk {@code chunkId}; the datanode checks the CRC and syncs before it answers. */
    public Replies.Stored put(String address, String chunkId, byte[] data, int length, long crc32c) throws IOException {
        return put(address, chunkId, data, length, crc32c, true);
    }

    /**
     * Stores a chunk; with {@code sync} false the datanode answers once the bytes are checked and in
     * its page cache (safe from a process crash), and {@link #sync} makes them durable later.
     */
    public Replies.Stored put(String address, String chunkId, byte[] data, int length, long crc32c, boolean sync)
            throws IOException {
        HttpUrl.Builder b = chunkUrl(address, chunkId).newBuilder()
                .addQueryParameter("crc32c", Long.toString(crc32c));
        if (!sync) {
            b.addQueryParameter("sync", "false");
        }
        HttpUrl url = b.build();
        RequestBody body = RequestBody.create(data, Http.OCTETS, 0, length);
        return http.call(new Request.Builder().url(url).put(body).build(), Replies.Stored.class);
    }

    /**
     * Fetches a whole chunk and checks its length and CRC32C against what the master recorded.
     * Throws {@link CairnException} EBADMSG when the bytes are not the ones written.
     */
    public byte[] get(String address, String chunkId, long expectedSize, long expectedCrc) throws IOException {
        if (expectedSize < 0 || expectedSize > MAX_CHUNK) {
            throw new CairnException(ErrorCode.EIO, "chunk " + chunkId + " has impossible size " + expectedSize);
        }
        Request request = new Request.Builder().url(chunkUrl(address, chunkId)).get().build();
        try (Response response = http.client().newCall(request).execute()) {
            if (!response.isSuccessful()) {
                throw Http.errorOf(response);
            }
            ResponseBody body = response.body();
            byte[] data = new byte[(int) expectedSize];
            int n;
            try (InputStream in = body.byteStream()) {
                n = in.readNBytes(data, 0, data.length);
                if (n == data.length && in.read() != -1) {
                    throw new CairnException(ErrorCode.EBADMSG, "chunk " + chunkId + " at " + address
                            + " is longer than " + expectedSize + " bytes");
                }
            }
            if (n != expectedSize) {
                throw new CairnException(ErrorCode.EBADMSG, "chunk " + chunkId + " at " + address + " has "
                        + n + " bytes, expected " + expectedSize);
            }
            long crc = crc32c(data, 0, n);
            if (crc != expectedCrc) {
                throw new CairnException(ErrorCode.EBADMSG, "chunk " + chunkId + " at " + address
                        + " fails its checksum");
            }
            return data;
        }
    }

    /** Makes chunks stored with {@code sync=false} durable on the datanode's disk (fsync). */
    public void sync(String address, java.util.List<String> chunkIds) throws IOException {
        HttpUrl base = HttpUrl.parse(address);
        if (base == null) {
            throw new CairnException(ErrorCode.EIO, "bad datanode address: " + address);
        }
        http.call(new Request.Builder().url(base.newBuilder().addPathSegments("api/v1/sync").build())
                .post(Http.json(new io.cairn.common.wire.Requests.SyncChunks(chunkIds))).build(), Replies.Ok.class);
    }

    public void delete(String address, String chunkId) throws IOException {
        http.call(new Request.Builder().url(chunkUrl(address, chunkId)).delete().build(), Replies.Ok.class);
    }

    public Replies.DatanodeStatus status(String address) throws IOException {
        HttpUrl base = HttpUrl.parse(address);
        if (base == null) {
            throw new CairnException(ErrorCode.EIO, "bad datanode address: " + address);
        }
        return http.call(new Request.Builder().url(base.newBuilder().addPathSegments("api/v1/status").build())
                .get().build(), Replies.DatanodeStatus.class);
    }

    public static long crc32c(byte[] data, int off, int len) {
        return Crc32c.of(data, off, len);
    }
}
