package io.cairn.server;

import io.cairn.common.error.CairnException;
import io.cairn.common.wire.WireVersion;
import io.cairn.server.tls.PlainHttp;
import io.cairn.server.tls.ServerTls;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.util.JavalinException;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP server of a master or a datanode: route groups behind their guards, the wire-version
 * check, errors as JSON, no compression (chunks are sent as they are stored). Stopping is graceful:
 * it stops accepting, lets requests under way finish for up to the stop timeout, then closes what
 * is left.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    /** Once no request is under way, idle keep-alive connections are closed this fast. */
    private static final long IDLE_CLOSE_MS = 100;

    private final Javalin app;
    private final GracefulHandler graceful;
    private final Duration stopTimeout;
    private final List<Route> routes;
    private final AutoCloseable tlsWatch;
    private boolean closed;

    private HttpServer(Javalin app, GracefulHandler graceful, Duration stopTimeout, List<Route> routes,
                       AutoCloseable tlsWatch) {
        this.app = app;
        this.graceful = graceful;
        this.stopTimeout = stopTimeout;
        this.routes = routes;
        this.tlsWatch = tlsWatch;
    }

    /** A server that calls itself {@code role} ("master", "datanode") in what it tells callers. */
    public static Builder builder(String role) {
        return new Builder(role);
    }

    /** The port listened on (the one picked when 0 was asked for). */
    public int port() {
        return app.port();
    }

    /** Every route, in the order installed, with its group, body limit and guard. */
    public List<Route> routes() {
        return routes;
    }

    /**
     * Refuses new requests (503), waits up to the stop timeout for those under way, then stops; idle
     * keep-alive connections are closed at once rather than after their idle timeout. Calling it
     * again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            tlsWatch.close();
        } catch (Exception e) {
            LOG.debug("stopping the certificate watch: {}", e.toString());
        }
        try {
            graceful.shutdown().get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("requests still under way after {} ms; stopping anyway", stopTimeout.toMillis());
        } catch (ExecutionException e) {
            LOG.warn("graceful shutdown failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        app.stop();
    }

    /** What a server is made of, then {@link #start}. */
    public static final class Builder {
        private final String role;
        private final List<Group> groups = new ArrayList<>();
        private Duration stopTimeout = Duration.ofSeconds(5);
        private int wireVersion = WireVersion.CURRENT;
        private ServerTls tls;
        private Duration tlsReloadEvery = ServerTls.RELOAD_EVERY;
        private boolean insecureHttp;
        private ServerMetrics metrics;

        private Builder(String role) {
            this.role = Objects.requireNonNull(role, "role");
        }

        /** Serves {@code routes}, each behind {@code guard}. */
        public Builder group(String name, Guard guard, RouteGroup routes) {
            return group(new Group(name, guard, routes));
        }

        public Builder group(Group group) {
            groups.add(Objects.requireNonNull(group, "group"));
            return this;
        }

        public Builder groups(List<Group> more) {
            more.forEach(this::group);
            return this;
        }

        /** How long {@link #close()} lets requests under way finish (5 s unless set). */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The wire version this server speaks ({@link WireVersion#CURRENT} unless set): another one
         * only for tests of how callers take a refusal.
         */
        public Builder wireVersion(int version) {
            this.wireVersion = version;
            return this;
        }

        /**
         * Serves HTTPS with {@code tls} (null: plain HTTP). A plain HTTP request to the TLS port is
         * answered 400 EPROTO saying to use https:// ({@link HttpsOnly}).
         */
        public Builder tls(ServerTls tls) {
            this.tls = tls;
            return this;
        }

        /** Serves as {@code transport} says: TLS, or plain HTTP (off loopback only when it allows). */
        /** How often the certificate and key files are looked at for a change ({@link ServerTls#watch}). */
        public Builder tlsReloadEvery(Duration every) {
            this.tlsReloadEvery = every;
            return this;
        }

        public Builder transport(io.cairn.server.tls.Transport transport) {
            return tls(transport.tls()).insecureHttp(transport.insecureHttp());
        }

        /** Times every request into {@code metrics} (none unless set). */
        public Builder metrics(ServerMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /** Whether plain HTTP may be served off loopback (see {@link PlainHttp}); false unless set. */
        public Builder insecureHttp(boolean insecure) {
            this.insecureHttp = insecure;
            return this;
        }

        /**
         * Binds {@code bind:port} (port 0: any free port) and returns once it listens.
         *
         * @throws BindException  when it cannot listen there
         * @throws CairnException when it would serve plain HTTP off loopback without
         *                        {@link #insecureHttp}, or the TLS certificate or key cannot be used
         */
        public HttpServer start(String bind, int port) throws IOException {
            PlainHttp.check(role, bind, tls != null, insecureHttp);
            if (tls == null && !PlainHttp.isLoopback(bind)) {
                LOG.warn("serving the {} over plain HTTP on {} (--insecure-http): tokens, keys and file data cross the"
                        + " network unencrypted", role, bind);
            }
            SslContextFactory.Server ssl = tls == null ? null : tls.sslContextFactory();
            GracefulHandler graceful = new GracefulHandler();
            graceful.setShutdownIdleTimeout(IDLE_CLOSE_MS);
            List<Route> table = new ArrayList<>();
            Javalin app = Javalin.create(config -> {
                configure(config, graceful, table);
                if (ssl != null) {
                    serveTls(config, ssl, bind, port);
                }
            });
            try {
                app.start(bind, port);
            } catch (JavalinException e) {
                app.stop();
                BindException b = new BindException("cannot listen on " + bind + ":" + port + ": " + rootMessage(e));
                b.initCause(e);
                throw b;
            }
            AutoCloseable watch = ssl == null ? () -> { } : tls.watch(ssl, tlsReloadEvery, role);
            return new HttpServer(app, graceful, stopTimeout, List.copyOf(table), watch);
        }

        /** The most a request line and its headers may take. */
        private static final int REQUEST_HEADERS_MAX = 32 * 1024;

        private void configure(JavalinConfig config, GracefulHandler graceful, List<Route> table) {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.compressionStrategy = CompressionStrategy.NONE; // chunks are sent as they are stored
            config.http.maxRequestSize = Routes.MAX_JSON_BODY;
            // a path of PATH_MAX (4096) bytes in a query, each byte percent-encoded, is 12 KiB: Jetty's 8 KiB would answer 431
            config.jetty.modifyHttpConfiguration(h -> h.setRequestHeaderSize(REQUEST_HEADERS_MAX));
            if (metrics != null) {
                config.requestLogger.http(metrics::record);
            }
            config.jetty.modifyServer(server -> {
                server.insertHandler(graceful);
                server.setStopTimeout(stopTimeout.toMillis());
                server.setErrorHandler(new JsonErrorHandler());
            });
            WireCheck.install(config.routes, role, wireVersion);
            java.util.Map<Route, io.javalin.http.Handler> installed = new java.util.HashMap<>();
            for (Group g : groups) {
                g.routes().install(new Routes(config.routes, g, table, installed));
            }
            Routes.headsForGets(config.routes, table, installed);
            ErrorMapping.install(config.routes);
        }

        /**
         * One connector for TLS and nothing else: bytes that are not TLS reach {@link HttpsOnly}, which
         * refuses them in one line instead of a dropped connection the caller cannot explain.
         */
        private void serveTls(JavalinConfig config, SslContextFactory.Server ssl, String bind, int port) {
            config.jetty.modifyServer(server -> server.insertHandler(new HttpsOnly(role)));
            config.jetty.addConnector((server, httpConfig) -> {
                HttpConfiguration https = new HttpConfiguration(httpConfig);
                https.addCustomizer(new SecureRequestCustomizer(false)); // names are the client's to check
                HttpConnectionFactory http = new HttpConnectionFactory(https);
                SslConnectionFactory tlsFactory = new SslConnectionFactory(ssl, http.getProtocol());
                ServerConnector c = new ServerConnector(server, new DetectorConnectionFactory(tlsFactory), http);
                c.setHost(bind);
                c.setPort(port);
                return c;
            });
        }

        private static String rootMessage(Throwable e) {
            Throwable t = e;
            while (t.getCause() != null) {
                t = t.getCause();
            }
            return t.getMessage();
        }
    }
}
