package io.cairn.cli;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a server in the foreground until SIGINT or SIGTERM, then stops it cleanly and lets the
 * process exit 0 (the JVM's own default after a signal would be 130 or 143).
 */
final class Foreground {
    private static final Logger LOG = LoggerFactory.getLogger(Foreground.class);

    private Foreground() {
    }

    /** Installs the signal handlers; the returned latch opens when a stop signal arrives. */
    static CountDownLatch stopSignal() {
        CountDownLatch stop = new CountDownLatch(1);
        for (String sig : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(sig), s -> {
                LOG.info("SIG{} received, stopping", s.getName());
                stop.countDown();
            });
        }
        return stop;
    }

    /** On SIGINT or SIGTERM, runs {@code action} once (on a daemon thread). */
    static void onStopSignal(Runnable action) {
        CountDownLatch stop = stopSignal();
        Thread t = new Thread(() -> {
            try {
                stop.await();
                action.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cairn-stop-signal");
        t.setDaemon(true);
        t.start();
    }

    static int runUntilSignalled(AutoCloseable server, CountDownLatch stop) throws Exception {
        try {
            stop.await();
        } finally {
            server.close();
        }
        return 0;
    }

    static void setLogLevel(String level, String dflt) {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level == null ? dflt : level, Level.INFO));
    }
}
