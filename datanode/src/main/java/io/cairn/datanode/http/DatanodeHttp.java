package io.cairn.datanode.http;

import io.cairn.common.wire.Replies;
import io.cairn.datanode.store.ChunkStore;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.util.JavalinException;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The datanode's HTTP server. Stopping it is graceful: it stops accepting, lets requests under way
 * finish for up to the stop timeout, then closes what is left.
 */
public final class DatanodeHttp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatanodeHttp.class);
    /** Once no request is under way, idle keep-alive connections are closed this fast. */
    private static final long IDLE_CLOSE_MS = 100;

    private final Javalin app;
    private final GracefulHandler graceful;
    private final Duration stopTimeout;

    private DatanodeHttp(Javalin app, GracefulHandler graceful, Duration stopTimeout) {
        this.app = app;
        this.graceful = graceful;
        this.stopTimeout = stopTimeout;
    }

    /**
     * Binds {@code bind:port} (port 0: any free port) and returns once it listens.
     *
     * @param status what GET /api/v1/status answers
     */
    public static DatanodeHttp start(String bind, int port, ChunkStore store, Supplier<Replies.DatanodeStatus> status,
                                     Duration stopTimeout) throws IOException {
        GracefulHandler graceful = new GracefulHandler();
        graceful.setShutdownIdleTimeout(IDLE_CLOSE_MS);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.compressionStrategy = CompressionStrategy.NONE; // chunks are sent as they are stored
            config.jetty.modifyServer(server -> {
                server.insertHandler(graceful);
                server.setStopTimeout(stopTimeout.toMillis());
                server.setErrorHandler(new JsonErrorHandler());
            });
            new ChunkRoutes(store).install(config.routes);
            StatusRoute.install(config.routes, status);
            ErrorMapping.install(config.routes);
        });
        try {
            app.start(bind, port);
        } catch (JavalinException e) {
            app.stop();
            BindException b = new BindException("cannot listen on " + bind + ":" + port + ": " + e.getMessage());
            b.initCause(e);
            throw b;
        }
        return new DatanodeHttp(app, graceful, stopTimeout);
    }

    /** The port listened on (the one picked when 0 was asked for). */
    public int port() {
        return app.port();
    }

    /**
     * Refuses new requests (503), waits up to the stop timeout for those under way, then stops; idle
     * keep-alive connections are closed at once rather than after their idle timeout.
     */
    @Override
    public void close() {
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
}
