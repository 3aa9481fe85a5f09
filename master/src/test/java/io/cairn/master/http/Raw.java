package io.cairn.master.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;
import io.cairn.testing.RawHttp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Requests and replies for {@link RawHttp}: HTTP/1.1 written by hand, for requests a client library would refuse or tidy up (dot segments,
 * NUL bytes, a Content-Length the body never reaches, a body on a GET).
 */
final class Raw {
    private Raw() {
    }

    /** A request: {@code head} is the request line and any headers (CRLF-separated), no Host. */
    record Req(String head, byte[] body) {
        static Req of(String method, String target) {
            return new Req(method + " " + target + " HTTP/1.1\r\nContent-Length: 0", new byte[0]);
        }

        static Req json(String method, String target, String body) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            return new Req(method + " " + target + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + b.length, b);
        }

        /** Claims {@code length} bytes of body and sends none. */
        static Req claiming(String method, String target, long length) {
            return new Req(method + " " + target + " HTTP/1.1\r\nContent-Length: " + length, new byte[0]);
        }

        Req header(String line) {
            return new Req(head + "\r\n" + line, body);
        }
    }

    record Reply(int status, String headers, String body) {
        JsonNode json() throws IOException {
            return Json.mapper().readTree(body);
        }

        String code() throws IOException {
            return json().path("code").asText();
        }

        String message() throws IOException {
            return json().path("message").asText();
        }
    }

    /** Credentials a request to {@code port} carries when it names none (a header line, e.g. the admin's bearer token). */
    private static final java.util.Map<Integer, String> AUTH = new java.util.concurrent.ConcurrentHashMap<>();

    static void authorize(int port, String headerLine) {
        AUTH.put(port, headerLine);
    }

    /** Sends {@code req}, with the credentials {@link #authorize} set for the port unless it names its own. */
    static Reply send(int port, Req req) throws IOException {
        String auth = AUTH.get(port);
        String head = auth == null || req.head().toLowerCase(java.util.Locale.ROOT).contains("\r\nauthorization:")
                ? req.head() : req.head() + "\r\n" + auth;
        return sendAsIs(port, new Req(head, req.body()));
    }

    /** Sends {@code req} exactly as it is: no credentials added. */
    static Reply sendAsIs(int port, Req req) throws IOException {
        RawHttp.Reply r = RawHttp.send(port, req.head(), req.body());
        return new Reply(r.status(), r.headers(), r.body());
    }
}
