package io.cairn.datanode.scrub;

import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.wire.Replies;
import io.cairn.datanode.store.ChunkStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Re-reads every stored chunk slowly and checks it against the size and CRC32C the master recorded
 * when the chunk was committed; a chunk that does not match (flipped bits, truncated, replaced) is
 * reported to the master, which has a good copy made elsewhere and then this one deleted. Chunks
 * the master does not know (not committed yet) are skipped.
 */
public final class Scrubber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scrubber.class);
    private static final int BATCH = 1000;

    private final ChunkStore store;
    private final Supplier<String> nodeId;
    private final ScrubConfig config;
    private final Http http;
    private final MasterClient master;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long passes;
    private volatile long badFound;

    public Scrubber(ChunkStore store, Supplier<String> nodeId, String masterUrl, ScrubConfig config) {
        this.store = store;
        this.nodeId = nodeId;
        this.config = config;
        this.http = new Http(Duration.ofSeconds(30));
        this.master = new MasterClient(http, masterUrl);
        this.thread = new Thread(this::loop, "cairn-datanode-scrubber");
        this.thread.setDaemon(true);
    }

    public void start() {
        if (config.bytesPerSecond() > 0) {
            thread.start();
        }
    }

    public long passes() {
        return passes;
    }

    public long badFound() {
        return badFound;
    }

    private void loop() {
        try {
            Thread.sleep(config.firstDelay().toMillis());
            while (running) {
                try {
                    pass();
                    passes++;
                } catch (IOException | RuntimeException e) {
                    LOG.warn("scrub pass failed ({}); trying again after the interval", e.toString());
                }
                Thread.sleep(config.interval().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One pass over every chunk, at the configured rate. */
    void pass() throws IOException, InterruptedException {
        List<String> ids;
        try (Stream<String> s = store.ids()) {
            ids = s.toList();
        }
        long t0 = System.nanoTime();
        long bytes = 0;
        Iterator<String> it = ids.iterator();
        while (it.hasNext() && running) {
            List<String> batch = new ArrayList<>();
            while (it.hasNext() && batch.size() < BATCH) {
                batch.add(it.next());
            }
            Replies.Checksums sums = master.checksums(batch);
            List<String> bad = new ArrayList<>();
            for (String id : batch) {
                Replies.ChunkSum want = sums.chunks().get(id);
                if (want == null || !running) {
                    continue; // not committed (or gone): nothing to check against
                }
                long[] got = read(id);
                if (got == null) {
                    continue; // deleted meanwhile
                }
                bytes += got[0];
                if (got[0] != want.size() || got[1] != want.crc32c()) {
                    bad.add(id);
                }
                pace(bytes, t0);
            }
            if (!bad.isEmpty()) {
                badFound += bad.size();
                LOG.warn("scrubber: {} chunk(s) fail their checksum: {}", bad.size(), bad.size() > 5 ? bad.subList(0, 5) : bad);
                master.reportBad(nodeId.get(), bad);
            }
        }
    }

    /** Size and CRC32C of the stored bytes, or null when the chunk is gone. */
    private long[] read(String id) {
        try (ChunkStore.Chunk c = store.open(id); InputStream in = c.in()) {
            CRC32C crc = new CRC32C();
            byte[] buf = new byte[64 * 1024];
            long n = 0;
            int r;
            while ((r = in.read(buf)) > 0) {
                crc.update(buf, 0, r);
                n += r;
            }
            return new long[] {n, crc.getValue()};
        } catch (IOException e) {
            return null;
        }
    }

    /** Sleeps so that reading stays under the byte rate. */
    private void pace(long bytes, long t0) throws InterruptedException {
        long dueNanos = bytes * 1_000_000_000L / config.bytesPerSecond();
        long ahead = dueNanos - (System.nanoTime() - t0);
        if (ahead > 0) {
            Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        http.client().dispatcher().executorService().shutdown();
        http.client().connectionPool().evictAll();
    }
}
