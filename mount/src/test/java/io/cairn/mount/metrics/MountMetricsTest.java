package io.cairn.mount.metrics;

import com.sun.net.httpserver.HttpServer;
import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.mount.cache.ChunkCache;
import io.cairn.mount.file.DirtyBudget;
import io.cairn.mount.file.UploadCounts;
import io.cairn.mount.meta.AttrCache;
import io.cairn.mount.meta.Namespace;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ru.serce.jnrfuse.ErrorCodes;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class MountMetricsTest {
    private final MountMetrics metrics = new MountMetrics("http://127.0.0.1:1");
    private HttpServer stand;

    @AfterEach
    void stop() {
        metrics.close();
        if (stand != null) {
            stand.stop(0);
        }
    }

    @Test
    void everyCallMovesItsOpsHistogramAndAnErrorIsCountedUnderItsErrnoName() throws Exception {
        FuseOps ops = metrics.fuse();
        ops.record("getattr", System.nanoTime(), 0);
        ops.record("getattr", System.nanoTime(), -ErrorCodes.ENOENT()); // stat missing
        ops.record("open", System.nanoTime(), -ErrorCodes.EACCES());
        ops.record("flush", System.nanoTime(), -ErrorCodes.EIO());
        String text = metrics.scrape();
        assertThat(text).contains("cairn_mount_fuse_op_duration_seconds_count{op=\"getattr\"} 2")
                .contains("cairn_mount_fuse_op_duration_seconds_count{op=\"open\"} 1")
                .contains("cairn_mount_fuse_errors_total{errno=\"ENOENT\",op=\"getattr\"} 1")
                .contains("cairn_mount_fuse_errors_total{errno=\"EACCES\",op=\"open\"} 1")
                .contains("cairn_mount_fuse_errors_total{errno=\"EIO\",op=\"flush\"} 1")
                .contains("cairn_mount_fuse_op_duration_seconds_bucket{op=\"getattr\",le=\"5.0E-5\"}")
                .contains("cairn_mount_fuse_op_duration_seconds_bucket{op=\"getattr\",le=\"10.0\"} 2");
    }

    @Test
    void readsAndWritesCountTheBytesTheyMovedAndNothingElseDoes() throws Exception {
        FuseOps ops = metrics.fuse();
        ops.record("write", System.nanoTime(), 131072);
        ops.record("write", System.nanoTime(), 4096);
        ops.record("read", System.nanoTime(), 1000);
        ops.record("read", System.nanoTime(), -ErrorCodes.EIO()); // an error moves no bytes
        ops.record("getxattr", System.nanoTime(), 20); // a length, not bytes read
        String text = metrics.scrape();
        assertThat(text).contains("cairn_mount_fuse_written_bytes_total 135168")
                .contains("cairn_mount_fuse_read_bytes_total 1000")
                .contains("cairn_mount_fuse_op_duration_seconds_count{op=\"read\"} 2");
    }

    @Test
    void aMountWithoutMetricsRecordsNothing() {
        assertThat(FuseOps.off().on()).isFalse();
        FuseOps.off().record("read", System.nanoTime(), 10); // and does not fail
    }

    @Test
    void errnosAreNamedAsInErrnoH() {
        assertThat(FuseOps.errnoName(ErrorCodes.ENOENT())).isEqualTo("ENOENT");
        assertThat(FuseOps.errnoName(ErrorCodes.ENOSPC())).isEqualTo("ENOSPC");
        assertThat(FuseOps.errnoName(100_000)).isEqualTo("errno_100000");
    }

    @Test
    void cachesDirtyMemoryAndUploadsAreReadAtEachScrape() throws Exception {
        ChunkCache chunks = new ChunkCache(4, r -> r.id().getBytes(StandardCharsets.UTF_8), Runnable::run);
        Namespace ns = new Namespace(new MasterClient(new Http(Duration.ofSeconds(1)), "http://127.0.0.1:1"),
                new AttrCache(Duration.ofSeconds(1), System::nanoTime));
        DirtyBudget budget = new DirtyBudget(8, Duration.ofSeconds(1));
        metrics.watch(chunks, ns, budget, 1 << 20, new UploadCounts());
        chunks.get(new io.cairn.common.wire.ChunkRef(0, "c0", 2, 2, 0, java.util.List.of())); // a miss
        chunks.get(new io.cairn.common.wire.ChunkRef(0, "c0", 2, 2, 0, java.util.List.of())); // a hit
        assertThat(budget.tryAcquire()).isTrue();
        assertThat(budget.tryAcquire()).isTrue();
        String text = metrics.scrape();
        assertThat(text).contains("cairn_mount_cache_hits_total{cache=\"chunk\"} 1")
                .contains("cairn_mount_cache_misses_total{cache=\"chunk\"} 1")
                .contains("cairn_mount_cache_hits_total{cache=\"attr\"} 0")
                .contains("cairn_mount_dirty_bytes 2097152")
                .contains("cairn_mount_dirty_budget_bytes 8388608")
                .contains("cairn_mount_uploads_in_flight 0")
                .contains("cairn_mount_uploads_failed_total 0");
        budget.release();
        assertThat(metrics.scrape()).contains("cairn_mount_dirty_bytes 1048576");
    }

    @Test
    void remoteCallsAreTimedByTargetMethodAndOutcome() throws Exception {
        stand = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stand.createContext("/", x -> {
            x.sendResponseHeaders(x.getRequestURI().getPath().equals("/ok") ? 200 : 404, -1);
            x.close();
        });
        stand.setExecutor(Executors.newSingleThreadExecutor());
        stand.start();
        String master = "http://127.0.0.1:" + stand.getAddress().getPort();
        MountMetrics m = new MountMetrics(master);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once closed: a datanode that is down
        }
        OkHttpClient client = new OkHttpClient.Builder().eventListenerFactory(m.remoteCalls())
                .retryOnConnectionFailure(false).build();
        try (Response r = client.newCall(new Request.Builder().url(master + "/ok").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        try (Response r = client.newCall(new Request.Builder().url(master + "/missing").build()).execute()) {
            assertThat(r.code()).isEqualTo(404);
        }
        assertThatThrownBy(() -> client.newCall(new Request.Builder().url("http://127.0.0.1:" + closed + "/chunk")
                .put(okhttp3.RequestBody.create(new byte[1], null)).build()).execute())
                .isInstanceOf(ConnectException.class);
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        String text = m.scrape();
        assertThat(text)
                .contains("cairn_mount_remote_call_duration_seconds_count{method=\"GET\",outcome=\"ok\",target=\"master\"} 1")
                .contains("cairn_mount_remote_call_duration_seconds_count{method=\"GET\",outcome=\"error\",target=\"master\"} 1")
                .contains("cairn_mount_remote_call_duration_seconds_count{method=\"PUT\",outcome=\"failed\",target=\"datanode\"} 1");
    }

    @Test
    void theExpositionPassesPromtool() throws Exception {
        metrics.fuse().record("create", System.nanoTime(), 0);
        metrics.fuse().record("getattr", System.nanoTime(), -ErrorCodes.ENOENT());
        metrics.watch(new ChunkCache(4, r -> new byte[0], Runnable::run),
                new Namespace(new MasterClient(new Http(Duration.ofSeconds(1)), "http://127.0.0.1:1"),
                        new AttrCache(Duration.ofSeconds(1), System::nanoTime)),
                new DirtyBudget(8, Duration.ofSeconds(1)), 1 << 20, new UploadCounts());
        Promtool.assertValid(metrics.scrape());
    }

    @Test
    void portZeroServesMetricsOnTheLoopbackAtThePortItGotUntilClosed() throws Exception {
        metrics.fuse().record("lookup", System.nanoTime(), 0);
        int port = metrics.serve("127.0.0.1", 0);
        assertThat(port).isPositive().isEqualTo(metrics.port());
        OkHttpClient client = new OkHttpClient();
        try (Response r = client.newCall(new Request.Builder().url("http://127.0.0.1:" + port + "/metrics").build())
                .execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).contains("cairn_mount_fuse_op_duration_seconds_count{op=\"lookup\"} 1")
                    .contains("jvm_memory_used_bytes");
        }
        client.connectionPool().evictAll();
        metrics.close();
        assertThatThrownBy(() -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                s.getOutputStream().write(1);
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void twoMountsInOneJvmKeepTheirOwnCounts() throws Exception {
        try (MountMetrics other = new MountMetrics("http://127.0.0.1:1")) {
            other.fuse().record("mkdir", System.nanoTime(), 0);
            assertThat(other.scrape()).contains("cairn_mount_fuse_op_duration_seconds_count{op=\"mkdir\"} 1");
            assertThat(metrics.scrape()).doesNotContain("op=\"mkdir\"");
        }
    }
}
