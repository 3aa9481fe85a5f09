package io.cairn.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class TcpProxyTest {
    private static final int SO_TIMEOUT_MS = 10_000;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /**
     * A line server on a real socket: each line received is recorded, and answered with
     * "got: LINE" once {@link #hold} (if set) opens; "echo N" is answered with N bytes of echo of
     * what follows. Its connections end when the client's do.
     */
    static final class LineServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        volatile CountDownLatch hold;
        private final Thread acceptor = new Thread(this::accept, "line-server");

        LineServer() throws IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.add(s);
                    Thread t = new Thread(() -> serve(s), "line-server-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                s.setSoTimeout(SO_TIMEOUT_MS);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                String line;
                while ((line = readLine(in)) != null) {
                    received.add(line);
                    if (line.startsWith("echo ")) {
                        int n = Integer.parseInt(line.substring(5));
                        out.write(in.readNBytes(n));
                        out.flush();
                        continue;
                    }
                    CountDownLatch h = hold;
                    if (h != null && !h.await(SO_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    events.add("answered " + line);
                    out.write(("got: " + line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write("bye\n".getBytes(StandardCharsets.UTF_8)); // after the client's half-close
            } catch (IOException | InterruptedException e) {
                // the connection was cut
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /** Reads one line (without its newline), or null at the end of the stream. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.append((char) c);
        }
        return c < 0 && b.length() == 0 ? null : b.toString();
    }

    LineServer server() throws IOException {
        LineServer s = new LineServer();
        closing.add(s);
        return s;
    }

    TcpProxy proxy(int port) throws IOException {
        TcpProxy p = TcpProxy.to(port);
        closing.add(p);
        return p;
    }

    Socket connect(TcpProxy p) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), p.port());
        s.setSoTimeout(SO_TIMEOUT_MS);
        closing.add(s);
        return s;
    }

    static void send(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    static String ask(Socket s, String line) throws IOException {
        send(s, line);
        return readLine(s.getInputStream());
    }

    /** Whether the connection has ended: a read gives end of stream or a reset. */
    static boolean ended(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void bytesGoBothWaysUnchangedManyRequestsOnOneConnection() throws Exception {
        LineServer server = server();
        TcpProxy p = proxy(server.port());
        assertThat(p.url()).isEqualTo("http://127.0.0.1:" + p.port());
        Socket s = connect(p);
        assertThat(ask(s, "one")).isEqualTo("got: one");
        assertThat(ask(s, "two")).isEqualTo("got: two");
        byte[] big = new byte[3 << 20];
        new Random(1).nextBytes(big);
        Thread writer = new Thread(() -> {
            try {
                send(s, "echo " + big.length);
                s.getOutputStream().write(big);
                s.getOutputStream().flush();
            } catch (IOException e) {
                // the read below fails
            }
        });
        writer.start();
        byte[] back = s.getInputStream().readNBytes(big.length);
        writer.join(10_000);
        assertThat(Arrays.equals(back, big)).as("3 MiB echoed intact").isTrue();
        assertThat(server.received).containsExactly("one", "two", "echo " + big.length);
        assertThat(p.accepted()).isEqualTo(1);
    }

    @Test
    void aHalfCloseIsPassedOnAndTheAnswerStillArrives() throws Exception {
        LineServer server = server();
        TcpProxy p = proxy(server.port());
        Socket s = connect(p);
        send(s, "last");
        s.shutdownOutput(); // echo last | nc -N
        assertThat(readLine(s.getInputStream())).isEqualTo("got: last");
        assertThat(readLine(s.getInputStream())).isEqualTo("bye");
        assertThat(readLine(s.getInputStream())).isNull();
        Eventually.await("the link is gone", Duration.ofSeconds(10), () -> p.open() == 0);
    }

    @Test
    void blockCutsConnectionsUnderWayAndResetsNewOnesUntilUnblocked() throws Exception {
        LineServer server = server();
        TcpProxy p = proxy(server.port());
        Socket before = connect(p);
        assertThat(ask(before, "before")).isEqualTo("got: before");

        p.block();
        assertThat(p.isBlocked()).isTrue();
        assertThat(ended(before)).as("the connection under way is cut").isTrue();
        Socket during = connect(p); // the kernel accepts it; the proxy resets it
        assertThat(ended(during)).as("a new connection gets nothing through").isTrue();
        assertThat(server.accepted).as("the server never saw the second connection").hasSize(1);
        assertThat(server.received).containsExactly("before");

        p.unblock();
        Socket after = connect(p);
        assertThat(ask(after, "after")).isEqualTo("got: after");
        assertThat(server.received).containsExactly("before", "after");
        assertThat(p.accepted()).isEqualTo(3);
    }

    @Test
    void blockReturnsOnlyOnceTheServerHasAnsweredWhatItWasSent() throws Exception {
        LineServer server = server();
        server.hold = new CountDownLatch(1);
        TcpProxy p = proxy(server.port());
        Socket s = connect(p);
        send(s, "heartbeat");
        Eventually.await("the server has the request", Duration.ofSeconds(10), () -> server.received.contains("heartbeat"));
        List<String> order = new CopyOnWriteArrayList<>();
        Thread blocker = new Thread(() -> {
            p.block();
            order.add("block returned");
        }, "tcp-proxy-test-blocker");
        blocker.start();
        Eventually.await("block() waits for the answer", Duration.ofSeconds(10),
                () -> Threads.waitingIn(blocker, TcpProxy.class.getName() + "$Link", "cut"));
        assertThat(ended(s)).as("the client was cut at once").isTrue();
        order.add("server answers");
        server.hold.countDown();
        blocker.join(10_000);
        assertThat(blocker.isAlive()).isFalse();
        assertThat(order).containsExactly("server answers", "block returned");
        assertThat(server.events).containsExactly("answered heartbeat");
    }

    @Test
    void dropNextReplyForwardsTheRequestButTheClientNeverHearsTheAnswer() throws Exception {
        LineServer server = server();
        TcpProxy p = proxy(server.port());
        Socket s = connect(p);
        assertThat(ask(s, "first")).isEqualTo("got: first");
        p.dropNextReply();
        send(s, "commit");
        assertThat(ended(s)).as("the connection drops instead of answering").isTrue();
        assertThat(server.events).as("the server did the work").contains("answered commit");
        assertThat(p.dropped()).isEqualTo(1);

        Socket again = connect(p); // one shot: the next request is answered as usual
        assertThat(ask(again, "retry")).isEqualTo("got: retry");
        assertThat(server.received).containsExactly("first", "commit", "retry");
        assertThat(p.dropped()).isEqualTo(1);
    }

    @Test
    void trickleCarriesOneBytePerPeriodOnAConnectionUnderWayUntilTurnedOff() throws Exception {
        LineServer server = server();
        TcpProxy p = proxy(server.port());
        Socket s = connect(p);
        assertThat(ask(s, "fast")).isEqualTo("got: fast");

        p.trickle(Duration.ofMillis(50));
        assertThat(p.isTrickling()).isTrue();
        long t0 = System.nanoTime();
        // "slow\n" crawls up (5 bytes) and "got: slow\n" crawls down (10 bytes): at least 15 periods
        assertThat(ask(s, "slow")).isEqualTo("got: slow");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("15 bytes at one per 50 ms").isGreaterThanOrEqualTo(14 * 50);

        p.trickle(Duration.ZERO);
        t0 = System.nanoTime();
        assertThat(ask(s, "fast again")).isEqualTo("got: fast again");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("full speed once turned off").isLessThan(14 * 50);
    }

    @Test
    void aTargetThatIsNotListeningResetsTheClient() throws Exception {
        TcpProxy p = TcpProxy.untargeted();
        closing.add(p);
        assertThat(ended(connect(p))).as("no target yet").isTrue();
        LineServer server = server();
        p.target("127.0.0.1", server.port());
        assertThat(ask(connect(p), "now")).isEqualTo("got: now");
        int port = server.port();
        server.close(); // nothing listens there any more
        p.target("127.0.0.1", port);
        assertThat(ended(connect(p))).as("target down").isTrue();
        assertThat(p.accepted()).isEqualTo(3);
    }

    @Test
    void closeStopsListeningAndCutsEveryConnection() throws Exception {
        LineServer server = server();
        TcpProxy p = proxy(server.port());
        Socket s = connect(p);
        assertThat(ask(s, "x")).isEqualTo("got: x");
        p.close();
        assertThat(ended(s)).isTrue();
        assertThat(p.open()).isZero();
        try (Socket refused = new Socket()) {
            refused.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), p.port()), 5_000);
            refused.setSoTimeout(SO_TIMEOUT_MS);
            assertThat(ended(refused)).isTrue();
        } catch (IOException e) {
            assertThat(e).isInstanceOf(java.net.ConnectException.class); // refused: nobody listens
        }
        String prefix = "tcp-proxy-" + p.port() + "-";
        Eventually.await("every thread of the proxy has ended", Duration.ofSeconds(10), () -> Thread.getAllStackTraces()
                .keySet().stream().noneMatch(t -> t.isAlive() && t.getName().startsWith(prefix)));
    }
}
