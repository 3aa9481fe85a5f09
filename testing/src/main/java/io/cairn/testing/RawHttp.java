package io.cairn.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 written by hand over a real socket, for requests a client library would refuse or tidy
 * up: dot segments, encoded slashes, NUL bytes, a Content-Length the body never reaches, a body on
 * a GET. The reply is read until the server closes the connection (every request says
 * {@code Connection: close}), with a 10 s read deadline.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** A reply: its status, its header block as sent, and its body decoded as UTF-8 (de-chunked). */
    public record Reply(int status, String headers, String body) {
    }

    /**
     * Sends {@code head} (the request line and any headers, CRLF-separated, without Host,
     * Connection or the blank line) followed by {@code body}, as they are.
     */
    public static Reply send(int port, String head, byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((head + "\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return read(s.getInputStream());
        }
    }

    /** Sends {@code METHOD target} with {@code body}; {@code contentLength} (-1: none) is what the header claims. */
    public static Reply send(int port, String method, String target, long contentLength, byte[] body) throws IOException {
        String head = method + " " + target + " HTTP/1.1"
                + (contentLength >= 0 ? "\r\nContent-Length: " + contentLength : "");
        return send(port, head, body);
    }

    public static Reply send(int port, String method, String target, byte[] body) throws IOException {
        return send(port, method, target, body.length, body);
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
        String headers = text.substring(0, end);
        String body = text.substring(end + 4);
        if (headers.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
            body = dechunk(body);
        }
        return new Reply(Integer.parseInt(headers.substring(9, 12)), headers,
                new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int eol = s.indexOf("\r\n", i);
            int size = Integer.parseInt(s.substring(i, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(s, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
    }
}
