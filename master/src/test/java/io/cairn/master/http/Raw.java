package io.cairn.master.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.json.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written by hand, for requests a client library would refuse or tidy up (dot segments,
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
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((req.head() + "\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(req.body());
            out.flush();
            return read(s.getInputStream());
        }
    }

    private static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int r;
        try {
            while ((r = in.read(buf)) >= 0) {
                all.write(buf, 0, r);
            }
        } catch (java.net.SocketException e) {
            // the server may reset the connection after answering early; keep what arrived
        }
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete HTTP reply: " + text);
        }
        String body = new String(text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        return new Reply(Integer.parseInt(text.substring(9, 12)), text.substring(0, end), body);
    }
}
