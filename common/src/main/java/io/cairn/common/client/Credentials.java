package io.cairn.common.client;

import io.cairn.common.security.NodeSignature;
import io.cairn.common.security.ReplySignature;
import io.cairn.common.security.Tokens;
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
        HttpUrl master = parse(masterUrl);
        byte[] key = nodeKey.clone();
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
                String sig = NodeSignature.sign(key, nodeId, r.method(), pathAndQuery, clock.millis(), body);
                return r.newBuilder().header("Authorization", sig).build();
            }

            @Override
            public Response check(Request sent, Response reply) throws IOException {
                NodeSignature.Claim claim = NodeSignature.parse(sent.header("Authorization"));
                if (claim == null || !reply.isSuccessful() || "HEAD".equals(sent.method())) {
                    return reply;
                }
                byte[] body = reply.peekBody(MOST_SIGNED_REPLY + 1).bytes();
                if (body.length > MOST_SIGNED_REPLY || !ReplySignature.verify(key, nodeId, claim.nonce(), reply.code(),
                        body, reply.header(ReplySignature.HEADER))) {
                    reply.close();
                    throw new IOException("the reply from " + master.scheme() + "://" + master.host() + ":" + master.port()
                            + " to " + sent.method() + " " + sent.url().encodedPath() + " is not signed with this"
                            + " datanode's key: it does not come from a master of this cluster");
                }
                return reply;
            }
        };
    }

    /** The largest reply a datanode checks the signature of (a reply to a datanode is JSON of at most this). */
    int MOST_SIGNED_REPLY = 8 << 20;

    private static HttpUrl parse(String url) {
        return Objects.requireNonNull(HttpUrl.parse(url), () -> "not an http(s) URL: " + url);
    }

    private static boolean sameServer(HttpUrl a, HttpUrl b) {
        return a.port() == b.port() && a.host().equalsIgnoreCase(b.host()) && a.scheme().equals(b.scheme());
    }
}
