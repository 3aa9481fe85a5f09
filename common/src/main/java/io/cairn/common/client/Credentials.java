package io.cairn.common.client;

import io.cairn.common.security.NodeSignature;
import io.cairn.common.security.Tokens;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
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

    /** A bearer token, sent to {@code masterUrl} only. */
    static Credentials bearer(String masterUrl, String token) {
        if (!Tokens.wellFormed(token)) {
            throw new IllegalArgumentException("not a Cairn token (expected one line of letters, digits, '_' and '-')");
        }
        HttpUrl master = parse(masterUrl);
        String value = "Bearer " + token;
        return r -> sameServer(r.url(), master) ? r.newBuilder().header("Authorization", value).build() : r;
    }

    /** Every request to {@code masterUrl} signed as datanode {@code nodeId}, with times from {@code clock}. */
    static Credentials node(String masterUrl, String nodeId, byte[] nodeKey, Clock clock) {
        HttpUrl master = parse(masterUrl);
        byte[] key = nodeKey.clone();
        return r -> {
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
        };
    }

    private static HttpUrl parse(String url) {
        return Objects.requireNonNull(HttpUrl.parse(url), () -> "not an http(s) URL: " + url);
    }

    private static boolean sameServer(HttpUrl a, HttpUrl b) {
        return a.port() == b.port() && a.host().equalsIgnoreCase(b.host()) && a.scheme().equals(b.scheme());
    }
}
