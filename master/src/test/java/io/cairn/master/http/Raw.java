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

    static Reply send(int port, Req req) throws IOException {
        RawHttp.Reply r = RawHttp.send(port, req.head(), req.body());
        return new Reply(r.status(), r.headers(), r.body());
    }
}
