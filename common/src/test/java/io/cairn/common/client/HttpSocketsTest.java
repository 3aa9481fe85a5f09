package io.cairn.common.client;

import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(20)
class HttpSocketsTest {
    @Test
    void everyConnectionOfTheClientHasNaglesAlgorithmOff() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> answerOnce(server));
            t.start();
            AtomicReference<Boolean> noDelay = new AtomicReference<>();
            Http http = new Http(Duration.ofSeconds(5));
            // the client as Cairn builds it, with a look at the socket each request goes out on
            var client = http.client().newBuilder().addNetworkInterceptor(chain -> {
                noDelay.set(chain.connection().socket().getTcpNoDelay());
                return chain.proceed(chain.request());
            }).build();
            Request put = new Request.Builder().url("http://127.0.0.1:" + server.getLocalPort() + "/x")
                    .put(RequestBody.create(new byte[20_000], Http.OCTETS)).build();
            try (Response r = client.newCall(put).execute()) {
                assertThat(r.code()).isEqualTo(200);
            }
            t.join(5_000);
            assertThat(noDelay.get()).as("TCP_NODELAY on the client's socket").isTrue();
        }
    }

    private static void answerOnce(ServerSocket server) {
        try (Socket s = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            long length = 0;
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(15).trim());
                }
            }
            for (long i = 0; i < length; i++) {
                in.read();
            }
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
