package io.cairn.datanode.membership;

import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.path.PathRules;
import io.cairn.common.security.ChunkTokens;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.datanode.store.ChunkStore;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Carries out the master's copy orders: fetch a chunk straight from another datanode (never through
 * the master), with the read token the order gives for that source, store it here (the store checks
 * size and CRC32C; no token is needed to store on this node), then tell the master this node has it.
 * Copies run one at a time, off the heartbeat thread.
 */
final class Replicator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

    private final ChunkStore store;
    private final Http http;
    private final MasterClient master;
    private final String nodeId;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cairn-datanode-replicator");
        t.setDaemon(true);
        return t;
    });

    Replicator(ChunkStore store, Http http, MasterClient master, String nodeId) {
        this.store = store;
        this.http = http;
        this.master = master;
        this.nodeId = nodeId;
    }

    /** Queues the orders not already queued. */
    void submit(List<Replies.ReplicateOrder> orders, String clusterId) {
        if (orders == null) {
            return;
        }
        for (Replies.ReplicateOrder o : orders) {
            if (o == null || !PathRules.isChunkId(o.chunkId()) || o.sources() == null) {
                LOG.warn("ignoring a malformed copy order from the master: {}", o);
                continue;
            }
            if (pending.add(o.chunkId())) {
                try {
                    executor.execute(() -> {
                        try {
                            copy(o, clusterId);
                        } finally {
                            pending.remove(o.chunkId());
                        }
                    });
                } catch (RejectedExecutionException e) {
                    pending.remove(o.chunkId());
                    return; // closing
                }
            }
        }
    }

    private void copy(Replies.ReplicateOrder o, String clusterId) {
        String id = o.chunkId();
        try {
            if (!store.contains(id)) {
                try {
                    fetchFromAnySource(o);
                } catch (IOException e) {
                    store.metrics().copyFailed();
                    throw e;
                }
                store.metrics().copied(o.size());
            }
            master.report(new Requests.ChunkReport(nodeId, clusterId, List.of(id), false));
        } catch (IOException e) {
            LOG.warn("could not copy chunk {}: {}", id, e.getMessage());
        }
    }

    private void fetchFromAnySource(Replies.ReplicateOrder o) throws IOException {
        IOException last = new CairnException(ErrorCode.ENOENT, "no source for chunk " + o.chunkId());
        for (int i = 0; i < o.sources().size(); i++) {
            String source = o.sources().get(i);
            HttpUrl base = source == null ? null : HttpUrl.parse(source);
            if (base == null) {
                continue;
            }
            HttpUrl url = base.newBuilder().addPathSegments("api/v1/chunks").addPathSegment(o.chunkId()).build();
            Request.Builder get = new Request.Builder().url(url).get();
            String token = o.tokenFor(i);
            if (token != null) {
                get.header("Authorization", ChunkTokens.header(token));
            }
            try (Response response = http.client().newCall(get.build()).execute()) {
                if (!response.isSuccessful()) {
                    throw Http.errorOf(response);
                }
                store.put(o.chunkId(), response.body().byteStream(), o.size(), o.crc32c());
                LOG.info("copied chunk {} ({} bytes) from {}", o.chunkId(), o.size(), source);
                return;
            } catch (CairnException e) {
                if (e.code() == ErrorCode.ENOSPC || e.code() == ErrorCode.EEXIST) {
                    throw e; // no other source changes that
                }
                last = e;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
