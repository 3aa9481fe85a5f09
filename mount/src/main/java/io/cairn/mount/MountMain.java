package io.cairn.mount;

import io.cairn.common.client.Cluster;
import io.cairn.common.client.TokenFile;
import io.cairn.common.tls.ClientTls;
import io.cairn.common.tls.TlsFailure;
import io.cairn.common.wire.ClusterStatus;
import io.cairn.common.wire.Replies;
import io.cairn.mount.metrics.MountMetrics;
import ru.serce.jnrfuse.FuseException;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** {@code cairn mount}: mounts a cluster as a directory and serves it until it is unmounted. */
public final class MountMain {
    private static final Set<Mount> RUNNING = ConcurrentHashMap.newKeySet();

    private MountMain() {
    }

    /**
     * Mounts and blocks until unmounted ({@code fusermount -u}, {@code umount}) or until
     * {@link #requestStop} (which the CLI calls on SIGINT and SIGTERM). Returns 0 after a clean
     * unmount; when it cannot mount, prints one line on stderr and returns 1.
     */
    public static int run(MountSettings s) {
        String problem = Preflight.problem(s);
        if (problem != null) {
            return fail(problem);
        }
        MountMetrics metrics = s.metricsPort() == null ? null : new MountMetrics(s.masterUrl());
        Cluster cluster;
        try {
            cluster = new Cluster(s.masterUrl(), s.timeout(), TokenFile.find(s.masterUrl(), s.tokenFile()),
                    ClientTls.find(s.tlsCa()), metrics == null ? null : metrics.remoteCalls());
        } catch (IllegalArgumentException e) {
            return fail("bad master URL: " + s.masterUrl());
        } catch (IOException e) {
            return fail(e.getMessage());
        }
        try {
            ClusterStatus status;
            try {
                status = cluster.master().status();
            } catch (io.cairn.common.error.CairnException e) {
                return fail("the master at " + s.masterUrl() + " refused this mount: " + e.getMessage());
            } catch (TlsFailure e) {
                return fail(e.getMessage());
            } catch (IOException e) {
                return fail("cannot reach the master at " + s.masterUrl() + ": " + e.getMessage());
            }
            Replies.WhoAmI who;
            try {
                who = cluster.master().whoAmI();
            } catch (IOException e) {
                return fail("the master at " + s.masterUrl() + " refused this mount's token: " + e.getMessage());
            }
            if ("read-only".equals(who.scope()) && !s.extraOptions().contains("ro")) {
                List<String> ro = new java.util.ArrayList<>(s.extraOptions());
                ro.add("ro");
                s = s.withOptions(ro);
                System.err.println("cairn mount: token " + who.name() + " is read-only: mounting read-only");
            }
            if (who.subtree() != null && !who.subtree().equals("/")) {
                System.err.println("cairn mount: token " + who.name() + " is confined to " + who.subtree()
                        + ": the mount's root is that directory");
            }
            Mount m;
            try {
                m = new Mount(s, cluster, status, metrics);
            } catch (LinkageError | RuntimeException e) { // libfuse2 found by the check but not usable
                return fail("cannot load libfuse2 (" + e + "): install the Debian package libfuse2");
            }
            if (metrics != null) {
                try {
                    int port = metrics.serve(s.metricsBind(), s.metricsPort());
                    System.err.println("cairn mount: metrics on http://" + hostInUrl(s.metricsBind()) + ":" + port
                            + "/metrics");
                } catch (IOException | RuntimeException e) {
                    m.close();
                    return fail("cannot serve metrics on " + s.metricsBind() + " port " + s.metricsPort() + ": " + e);
                }
            }
            RUNNING.add(m);
            try {
                m.run();
                System.err.println("cairn mount: unmounted " + s.mountPoint().toAbsolutePath().normalize());
                return 0;
            } catch (FuseException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                return fail("could not mount at " + s.mountPoint().toAbsolutePath() + ": " + cause.getMessage());
            } finally {
                RUNNING.remove(m);
                m.close();
            }
        } finally {
            if (metrics != null) {
                metrics.close();
            }
            cluster.close();
        }
    }

    /** An IPv6 address in brackets, as a URL writes it. */
    private static String hostInUrl(String bind) {
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    /**
     * Unmounts every mount this process is running (lazily: files still open keep working until
     * closed); each {@link #run} then returns 0. Safe to call from a signal handler.
     */
    public static void requestStop() {
        for (Mount m : RUNNING) {
            m.stop();
        }
    }

    private static int fail(String message) {
        System.err.println("cairn mount: " + message);
        return 1;
    }
}
