package io.cairn.common.client;

import io.cairn.common.security.NodeKeyRing;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.NodeSignature;
import io.cairn.common.security.ReplySignature;
import io.cairn.common.security.Tokens;
import io.cairn.common.security.VersionedKeys;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;

import java.io.IOException;
import java.time.Clock;
import java.util.Objects;

/**
 * What a client proves itself with, added to each request it sends a master (and only a master: a
 * datanode never sees a client's token, so a datanode that is taken over learns none). A client or
 * admin holds a bearer token; a datanode signs each request with its node key
 * ({@link NodeSignature}).
 */
public interface Credentials {
    /** No credentials: for the health check and for tests of refusals. */
    Credentials NONE = r -> r;

    /** {@code request} with these credentials, when it goes to the master. */
    Request apply(Request request) throws IOException;

    /**
     * The master's {@code reply} to {@code sent} (as {@link #apply} made it), once it is known to
     * come from the master: a datanode's credentials refuse a successful reply that is not signed
     * with its key ({@link ReplySignature}); others take every reply as it is.
     */
    default Response check(Request sent, Response reply) throws IOException {
        return reply;
    }

    /** A bearer token, sent to {@code masterUrl} only. */
    static Credentials bearer(String masterUrl, String token) {
        if (!Tokens.wellFormed(token)) {
            throw new IllegalArgumentException("not a Cairn token (expected one line of letters, digits, '_' and '-')");
        }
        HttpUrl master = parse(masterUrl);
        String value = "Bearer " + token;
        return r -> sameServer(r.url(), master) ? r.newBuilder().header("Authorization", value).build() : r;
    }

    /**
     * Every request to {@code masterUrl} signed as datanode {@code nodeId}, with times from
     * {@code clock}; every successful reply from it checked to be signed by the master for that
     * request under the same key.
     */
    static Credentials node(String masterUrl, String nodeId, byte[] nodeKey, Clock clock) {
        return node(masterUrl, nodeId, NodeKeyRing.of(nodeKey), clock);
    }

    /**
     * As above, signing with the newest key of {@code keys}; a signed reply that carries the node's
     * next key ({@link #NEXT_KEY_HEADER}, sealed under the key the request was signed with) has it
     * taken into {@code keys} (saved first), and the calls after it are signed with it; keys of
     * versions the master no longer holds ({@link ReplySignature#KEY_VERSIONS}) are dropped.
     */
    static Credentials node(String masterUrl, String nodeId, NodeKeyRing keys, Clock clock) {
        HttpUrl master = parse(masterUrl);
        return new Credentials() {
            @Override
            public Request apply(Request r) throws IOException {
                if (!sameServer(r.url(), master)) {
                    return r;
                }
                byte[] body = new byte[0];
                RequestBody b = r.body();
                if (b != null) {
                    Buffer buf = new Buffer();
                    b.writeTo(buf);
                    body = buf.readByteArray();
                }
                String q = r.url().encodedQuery();
                String pathAndQuery = r.url().encodedPath() + (q == null ? "" : "?" + q);
                int version = keys.version();
                String sig = NodeSignature.sign(keys.key(version), version, nodeId, r.method(), pathAndQuery,
                        clock.millis(), body);
                return r.newBuilder().header("Authorization", sig).build();
            }

            @Override
            public Response check(Request sent, Response reply) throws IOException {
                NodeSignature.Claim claim = NodeSignature.parse(sent.header("Authorization"));
                if (claim == null || !reply.isSuccessful() || "HEAD".equals(sent.method())) {
                    return reply;
                }
                byte[] body = reply.peekBody(MOST_SIGNED_REPLY + 1).bytes();
                byte[] key = keys.key(claim.keyVersion());
                String held = reply.header(ReplySignature.KEY_VERSIONS);
                if (key == null || body.length > MOST_SIGNED_REPLY || !ReplySignature.verify(key, nodeId, claim.nonce(),
                        reply.code(), body, reply.header(ReplySignature.HEADER), held)) {
                    reply.close();
                    throw new IOException("the reply from " + master.scheme() + "://" + master.host() + ":" + master.port()
                            + " to " + sent.method() + " " + sent.url().encodedPath() + " is not signed with this"
                            + " datanode's key: it does not come from a master of this cluster");
                }
                String next = reply.header(NEXT_KEY_HEADER);
                if (next != null) {
                    VersionedKeys.Entry e = NodeKeys.unseal(key, nodeId, next);
                    if (e == null) {
                        reply.close();
                        throw new IOException("the master's reply to " + sent.method() + " " + sent.url().encodedPath()
                                + " carries a next key for this datanode that does not open with its key");
                    }
                    keys.adopt(e.version(), e.key());
                }
                if (held != null) {
                    keys.retain(held);
                }
                return reply;
            }
        };
    }

    /** The header of a signed reply that gives a datanode its next key, sealed under its current one ({@link NodeKeys#seal}). */
    String NEXT_KEY_HEADER = "X-Cairn-Next-Node-Key";

    /** The largest reply a datanode checks the signature of (a reply to a datanode is JSON of at most this). */
    int MOST_SIGNED_REPLY = 8 << 20;

    private static HttpUrl parse(String url) {
        return Objects.requireNonNull(HttpUrl.parse(url), () -> "not an http(s) URL: " + url);
    }

    private static boolean sameServer(HttpUrl a, HttpUrl b) {
        return a.port() == b.port() && a.host().equalsIgnoreCase(b.host()) && a.scheme().equals(b.scheme());
    }
}
