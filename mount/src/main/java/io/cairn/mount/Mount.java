package io.cairn.mount;

import io.cairn.common.client.CarriedPools;
import io.cairn.common.client.ChunkService;
import io.cairn.common.client.Cluster;
import io.cairn.common.client.Deadlines;
import io.cairn.common.wire.ClusterStatus;
import io.cairn.mount.cache.ChunkCache;
import io.cairn.mount.file.DataLimits;
import io.cairn.mount.file.DataPath;
import io.cairn.mount.file.DirtyBudget;
import io.cairn.mount.file.Handles;
import io.cairn.mount.file.OpenFiles;
import io.cairn.mount.file.UploadCounts;
import io.cairn.mount.fuse.CairnFs;
import io.cairn.mount.fuse.FuseLoop;
import io.cairn.mount.locks.MountLocks;
import io.cairn.mount.meta.AttrCache;
import io.cairn.mount.meta.Namespace;
import io.cairn.mount.metrics.FuseOps;
import io.cairn.mount.metrics.MountMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One mount: its parts wired together, the blocking FUSE loop, and a clean stop. */
final class Mount {
    private static final Logger LOG = LoggerFactory.getLogger(Mount.class);
    /**
     * libfuse's multithreaded loop (the default) lets a slow call (a flush waiting for its uploads, a
     * read waiting for a chunk) hold up only its own caller; {@code -Dcairn.mount.singleThreaded=true}
     * switches to {@code -s} for comparison.
     */
    static final boolean SINGLE_THREADED = Boolean.getBoolean("cairn.mount.singleThreaded");

    private final MountSettings settings;
    private final ClusterStatus status;
    private final Path mountPoint;
    private final ExecutorService uploads;
    private final ExecutorService readAhead;
    /** Syncs, now and then, the chunks of closed files that no fsync has asked for ({@link OpenFiles#sweep}). */
    private final ScheduledExecutorService sweeper;
    private final OpenFiles files;
    private final Handles handles = new Handles();
    private final CairnFs fs;
    /** Locks across mounts, through this mount's session with the master (ended at unmount). */
    private final MountLocks locks;
    private static final long SWEEP_EVERY_SECONDS = 5;
    private volatile boolean stopRequested;
    private volatile boolean mounted;

    /** {@code metrics}: where the mount's calls, caches and uploads are counted; null: nowhere. */
    Mount(MountSettings settings, Cluster cluster, ClusterStatus status, MountMetrics metrics) {
        this.settings = settings;
        this.status = status;
        this.mountPoint = settings.mountPoint().toAbsolutePath().normalize();
        DataLimits limits = DataLimits.forChunkSize(status.chunkSize());
        Namespace ns = new Namespace(cluster.master(), new AttrCache(settings.attrTimeout(), System::nanoTime));
        ChunkService chunks = cluster.chunkService();
        // a task on these runs as the caller that handed it in (X-Cairn-As on its master calls)
        this.uploads = CarriedPools.fixed(limits.uploadThreads(), daemons("cairn-upload-"));
        this.readAhead = CarriedPools.fixed(Math.max(2, limits.readAheadChunks()), daemons("cairn-readahead-"));
        Deadlines deadlines = chunks.deadlines();
        // a reader waits for a chunk another reader (or the read-ahead) is fetching as long as a fetch may take
        ChunkCache cache = new ChunkCache(limits.cacheChunks(), Math.max(1, limits.cacheChunks() / 2),
                deadlines.chunkRead(limits.chunkSize()).plusSeconds(1), chunks::fetch, readAhead);
        // a writer waits for a free buffer as long as an upload (its allocation, then its write) may take
        DirtyBudget budget = new DirtyBudget(limits.dirtyChunks(),
                deadlines.chunkWrite(limits.chunkSize()).plus(deadlines.call()));
        UploadCounts uploadCounts = new UploadCounts();
        this.files = new OpenFiles(new DataPath(chunks, cache, budget, uploads, limits, ns::changed, uploadCounts));
        if (metrics != null) {
            metrics.watch(cache, ns, budget, limits.chunkSize(), uploadCounts);
        }
        this.sweeper = Executors.newSingleThreadScheduledExecutor(daemons("cairn-sync-behind-"));
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_EVERY_SECONDS, SWEEP_EVERY_SECONDS, TimeUnit.SECONDS);
        this.locks = new MountLocks(cluster.master(), host() + ":" + mountPoint);
        this.fs = new CairnFs(ns, files, handles, limits.readAheadChunks(), this::onMounted,
                metrics == null ? FuseOps.off() : metrics.fuse(), locks);
        LOG.info("chunk size {} B; up to {} dirty chunks, {} cached, {} read ahead, {} uploads at once",
                limits.chunkSize(), limits.dirtyChunks(), limits.cacheChunks(), limits.readAheadChunks(),
                limits.uploadThreads());
    }

    /** Mounts and serves until unmounted. Throws {@link ru.serce.jnrfuse.FuseException} when libfuse cannot mount. */
    void run() {
        OtherUsers others = OtherUsers.here(settings);
        if (others.advice() != null) {
            System.err.println("cairn mount: " + others.advice());
        }
        String[] args = FuseArgs.of(settings, SINGLE_THREADED, others);
        LOG.debug("libfuse options: {}", String.join(" ", args));
        try {
            FuseLoop.load().run(fs, mountPoint, settings.debug(), args); // its workers are JVM threads: see FuseLoop
        } finally {
            mounted = false;
            fs.unmounted();
        }
    }

    private void onMounted() {
        mounted = true;
        System.err.println("cairn mount: cluster " + status.clusterId() + " at " + settings.masterUrl()
                + " mounted on " + mountPoint);
        if (stopRequested) {
            Thread t = new Thread(this::unmount, "cairn-unmount");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Unmounts (lazily: files still open keep working until closed, then the loop ends). */
    void stop() {
        stopRequested = true;
        if (mounted) {
            unmount();
        }
    }

    private void unmount() {
        for (String[] cmd : new String[][] {{"fusermount", "-u", "-z", mountPoint.toString()},
                {"umount", "-l", mountPoint.toString()}}) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return;
                }
                p.destroyForcibly();
            } catch (IOException e) {
                LOG.debug("{} failed: {}", cmd[0], e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("could not unmount {}", mountPoint);
    }

    private void sweep() {
        try {
            files.sweep();
        } catch (RuntimeException e) {
            LOG.warn("syncing closed files' chunks in the background failed: {}", e.toString());
        }
    }

    /**
     * After the loop ended: flush whatever is still open (nothing, normally), sync what closed files
     * left unsynced, and stop the threads.
     */
    void close() {
        sweeper.shutdownNow();
        files.closeAll();
        locks.close();
        uploads.shutdown();
        readAhead.shutdownNow();
        try {
            uploads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    private static java.util.concurrent.ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
