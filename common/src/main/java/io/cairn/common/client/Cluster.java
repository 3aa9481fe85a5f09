package io.cairn.common.client;

import io.cairn.common.tls.ClientTls;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything a client process needs to talk to one cluster, built once: the HTTP client, the master
 * and datanode clients, a pool of daemon threads for parallel chunk transfers, and the
 * {@link LeaseKeeper} that keeps the leases of the files it writes alive (its one scheduler thread,
 * used by {@code put} and the mount alike). {@link #close} stops them all.
 */
public final class Cluster implements AutoCloseable {
    private final Http http;
    private final MasterClient master;
    private final DatanodeClient datanodes;
    private final ExecutorService pool;
    private final ChunkService chunks;
    private final LeaseKeeper leases = new LeaseKeeper();

    /** A client with no credentials: the master answers only its health check. */
    public Cluster(String masterUrl, Duration timeout) {
        this(masterUrl, timeout, Credentials.NONE);
    }

    /** A client that calls the master with {@code credentials} (see {@link TokenFile}). */
    public Cluster(String masterUrl, Duration timeout, Credentials credentials) {
        this(masterUrl, timeout, credentials, ClientTls.JVM_DEFAULT);
    }

    /** As above, trusting {@code tls} for https:// masters and datanodes. */
    public Cluster(String masterUrl, Duration timeout, Credentials credentials, ClientTls tls) {
        this(masterUrl, timeout, credentials, tls, null);
    }

    /** As above, with {@code events} told of every HTTP call (see {@link Http}); null: none. */
    public Cluster(String masterUrl, Duration timeout, Credentials credentials, ClientTls tls,
                   okhttp3.EventListener.Factory events) {
        this.http = new Http(timeout, credentials, tls, masterUrl, events);
        this.master = new MasterClient(http, masterUrl);
        this.datanodes = new DatanodeClient(http);
        AtomicInteger n = new AtomicInteger();
        this.pool = CarriedPools.cached(r -> {
            Thread t = new Thread(r, "cairn-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.chunks = new ClusterChunkService(master, new ChunkWriter(master, datanodes, pool), chunkReader(),
                datanodes, pool, leases);
    }

    public MasterClient master() {
        return master;
    }

    public DatanodeClient datanodes() {
        return datanodes;
    }

    public ExecutorService pool() {
        return pool;
    }

    /** The cluster as file code sees it, chunk by chunk (see {@link FileChunks} and {@link LayoutPages}). */
    public ChunkService chunkService() {
        return chunks;
    }

    /** The owner of new chunks of {@code inode}, for a writer that drives them itself. */
    public FileChunks fileChunks(long inode, long chunkSize) {
        return new FileChunks(chunks, inode, chunkSize, attr -> { });
    }

    /** A chunk reader that reports replicas failing their checksum to the master, in the background. */
    public ChunkReader chunkReader() {
        return new ChunkReader(datanodes, (replica, chunk) -> pool.execute(() -> {
            try {
                master.reportBad(replica.id(), java.util.List.of(chunk.id()));
            } catch (java.io.IOException | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Cluster.class).debug("could not report bad replica: {}", e.toString());
            }
        }));
    }

    public FileUploader uploader(int inFlight) {
        return new FileUploader(chunks, pool, inFlight);
    }

    public FileDownloader downloader(int readAhead) {
        return new FileDownloader(chunks, pool, readAhead);
    }

    /** What keeps the leases of this client's writers alive. */
    public LeaseKeeper leaseKeeper() {
        return leases;
    }

    @Override
    public void close() {
        leases.close();
        pool.shutdownNow();
        http.client().dispatcher().executorService().shutdown();
        http.client().connectionPool().evictAll();
    }
}
