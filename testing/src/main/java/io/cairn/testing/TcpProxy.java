package io.cairn.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on a loopback port of its own (port 0: the kernel picks it) in front of one
 * host:port, copying bytes both ways, so that a test can cut a link the way a network does:
 * <ul>
 * <li>{@link #block()}: connections under way are cut (the client's side with a reset) and new
 *     ones are reset as soon as they are accepted, until {@link #unblock()}. When {@code block()}
 *     returns, every request the server had been sent through the proxy has been answered (or its
 *     connection ended), so nothing the blocked client sent earlier is still on its way to the
 *     server.</li>
 * <li>{@link #dropNextReply()}: the next request a client sends is forwarded to the server, and when
 *     the server's answer starts coming back, the client's connection is reset instead and the
 *     answer thrown away: the server did the work, the client never hears of it.</li>
 * <li>{@link #trickle(Duration)}: from now on every connection, new or under way, carries one byte
 *     per period each way, as a server that answers but crawls: bytes keep moving, so a socket's
 *     read timeout never fires, and only a deadline on the whole transfer ends the wait.
 *     {@code trickle(Duration.ZERO)} lets bytes flow at full speed again.</li>
 * </ul>
 * When the target cannot be reached, the client's connection is reset. The proxy knows nothing of
 * HTTP: "a request" is whatever the client sends until the server starts answering.
 */
public final class TcpProxy implements AutoCloseable {
    /** How long connecting to the target may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long {@link #block()} lets the server answer what it was already sent. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicBoolean dropArmed = new AtomicBoolean();
    private final String name;
    private volatile InetSocketAddress target;
    private volatile boolean blocked;
    private volatile boolean closed;
    /** Nanoseconds between two bytes in each direction; 0: no trickle. */
    private volatile long trickleNanos;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.name = "tcp-proxy-" + listener.getLocalPort() + "-" + IDS.incrementAndGet();
        this.acceptor = new Thread(this::acceptLoop, name);
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** A proxy in front of {@code host:port}. */
    public static TcpProxy to(String host, int port) throws IOException {
        return new TcpProxy(new InetSocketAddress(host, port));
    }

    /** A proxy in front of {@code 127.0.0.1:port}. */
    public static TcpProxy to(int port) throws IOException {
        return to(InetAddress.getLoopbackAddress().getHostAddress(), port);
    }

    /**
     * A proxy whose target is set later with {@link #target}: for a server that must know the
     * proxy's address before it starts listening. Until then every connection is reset.
     */
    public static TcpProxy untargeted() throws IOException {
        return new TcpProxy(null);
    }

    /** Where new connections go from now on (connections under way stay where they are). */
    public void target(String host, int port) {
        target = new InetSocketAddress(host, port);
    }

    /** The loopback port this proxy listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT}: this proxy as an HTTP base URL. */
    public String url() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
    }

    /** Cuts every connection under way and resets new ones until {@link #unblock()}; see the class comment. */
    public void block() {
        blocked = true;
        for (Link l : links) {
            l.cut();
        }
    }

    /** New connections go through again. */
    public void unblock() {
        blocked = false;
    }

    public boolean isBlocked() {
        return blocked;
    }

    /** Arms the one-shot drop: the next request goes to the server, its answer never reaches the client. */
    public void dropNextReply() {
        dropArmed.set(true);
    }

    /** One byte per {@code perByte} each way on every connection from now on; {@link Duration#ZERO}: full speed. */
    public void trickle(Duration perByte) {
        trickleNanos = Math.max(0, perByte.toNanos());
    }

    public boolean isTrickling() {
        return trickleNanos > 0;
    }

    /** Answers thrown away by {@link #dropNextReply()} so far. */
    public int dropped() {
        return dropped.get();
    }

    /** Connections accepted so far, including those reset because of a block or an unreachable target. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections being forwarded now. */
    public int open() {
        return links.size();
    }

    /** Stops listening and cuts every connection. */
    @Override
    public void close() {
        closed = true;
        quietly(listener);
        for (Link l : links) {
            l.closeBoth();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TcpProxy[" + url() + " -> " + target + (blocked ? ", blocked" : "")
                + (trickleNanos > 0 ? ", trickling" : "") + "]";
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            InetSocketAddress to = target;
            if (blocked || to == null) {
                reset(client);
                continue;
            }
            Socket server = new Socket();
            try {
                server.connect(to, (int) CONNECT_TIMEOUT.toMillis());
                server.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                quietly(server);
                reset(client);
                continue;
            }
            Link l = new Link(client, server);
            links.add(l);
            if (blocked || closed) { // a block() that ran while this one was connecting
                l.cut();
                continue;
            }
            l.start();
        }
    }

    /** One client connection and its connection to the target, with a thread for each direction. */
    private final class Link {
        final Socket client;
        final Socket server;
        /** Held while bytes are forwarded to the server, so that a cut sees a consistent {@link #awaitingReply}. */
        final ReentrantLock upstream = new ReentrantLock();
        /** The server was sent bytes it has not started answering yet. */
        volatile boolean awaitingReply;
        /** The server's side has ended (EOF or error). */
        final CountDownLatch serverDone = new CountDownLatch(1);
        volatile boolean cut;
        /** This connection carries the request whose answer is to be dropped. */
        volatile boolean doomed;
        final AtomicBoolean finished = new AtomicBoolean();
        /** Directions still copying. */
        final AtomicInteger directions = new AtomicInteger(2);

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            Thread up = new Thread(this::clientToServer, name + "-up");
            Thread down = new Thread(this::serverToClient, name + "-down");
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        private void clientToServer() {
            byte[] buf = new byte[64 << 10];
            try {
                InputStream in = client.getInputStream();
                OutputStream out = server.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    for (int off = 0, len; off < n; off += len) {
                        long pause = trickleNanos;
                        len = pause > 0 ? 1 : n - off;
                        if (pause > 0) {
                            pause(pause); // outside the lock, so that a cut does not wait for the crawl
                        }
                        upstream.lock();
                        try {
                            if (cut) {
                                return;
                            }
                            if (!doomed && dropArmed.compareAndSet(true, false)) {
                                doomed = true;
                            }
                            awaitingReply = true;
                            out.write(buf, off, len);
                            out.flush();
                        } finally {
                            upstream.unlock();
                        }
                    }
                }
                if (!cut) {
                    server.shutdownOutput(); // the client is done sending: so is the proxy
                }
            } catch (IOException e) {
                if (!cut) {
                    closeBoth(); // either side went away
                }
            } finally {
                directionDone();
            }
        }

        private void serverToClient() {
            byte[] buf = new byte[64 << 10];
            try {
                InputStream in = server.getInputStream();
                OutputStream out = client.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    awaitingReply = false;
                    if (cut) {
                        continue; // the client is gone: read what the server still answers, then end
                    }
                    if (doomed) {
                        dropped.incrementAndGet();
                        closeBoth();
                        return;
                    }
                    for (int off = 0, len; off < n && !cut; off += len) {
                        long pause = trickleNanos;
                        len = pause > 0 ? 1 : n - off;
                        if (pause > 0) {
                            pause(pause);
                        }
                        out.write(buf, off, len);
                        out.flush();
                    }
                }
                if (!cut) {
                    client.shutdownOutput(); // the server is done answering: so is the proxy
                }
            } catch (IOException e) {
                if (!cut) {
                    closeBoth();
                }
            } finally {
                awaitingReply = false;
                serverDone.countDown();
                directionDone();
            }
        }

        /** Both directions have ended: nothing more will cross this link. */
        private void directionDone() {
            if (directions.decrementAndGet() == 0 && finished.compareAndSet(false, true)) {
                quietly(client); // both sides said goodbye: a plain close, so nothing still queued is lost
                quietly(server);
                links.remove(this);
            }
        }

        /** Resets the client at once; the server's side ends once it has answered what it was sent. */
        void cut() {
            boolean locked = false;
            try {
                locked = upstream.tryLock(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                cut = true;
            } finally {
                if (locked) {
                    upstream.unlock();
                }
            }
            reset(client);
            if (awaitingReply) {
                try {
                    server.shutdownOutput(); // a request cut off mid-body ends; a whole one is answered
                } catch (IOException e) {
                    // already closed
                }
                long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
                try {
                    while (awaitingReply && serverDone.getCount() > 0 && System.nanoTime() < deadline) {
                        serverDone.await(5, TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            closeBoth();
        }

        /** Ends the link at once, resetting the client's connection. */
        void closeBoth() {
            if (finished.compareAndSet(false, true)) {
                reset(client);
                quietly(server);
                links.remove(this);
            }
        }
    }

    /** Waits between two trickled bytes; an interrupt ends the wait early (the copy then ends with its socket). */
    private static void pause(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes with a reset (RST), as a refused or cut connection looks to the client. */
    private static void reset(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
            }
        } catch (SocketException e) {
            // closing anyway
        }
        quietly(s);
    }

    private static void quietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // best effort
        }
    }
}
