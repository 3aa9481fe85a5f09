package io.cairn.datanode.testing;

import io.cairn.common.error.ErrorCode;
import io.cairn.common.json.Json;
import io.cairn.common.security.NodeSignature;
import io.cairn.common.security.ReplySignature;
import io.cairn.common.wire.ErrorBody;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the master's datanode API (register, report, heartbeat, bad replicas) on a real
 * socket, recording what it was sent and answering with what a test queued.
 */
public final class FakeMaster implements AutoCloseable {
    public final String clusterId;
    public final List<Requests.Register> registers = new CopyOnWriteArrayList<>();
    /** The parts of chunk reports that list chunks (a full report's first part, which only begins it, is in {@link #begun}). */
    public final List<Requests.ChunkReport> reports = new CopyOnWriteArrayList<>();
    /** The first parts of full reports, each answered with a new generation. */
    public final List<Requests.ChunkReport> begun = new CopyOnWriteArrayList<>();
    public final List<Requests.Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    /** Every POST /api/v1/nodes/bad taken (answered 200). */
    public final List<Requests.BadReplicas> bad = new CopyOnWriteArrayList<>();
    /** Reports of bad replicas refused (see {@link #refuseBadReports}). */
    public final List<Requests.BadReplicas> refusedBad = new CopyOnWriteArrayList<>();
    private volatile int badRefusals;
    private final Map<String, Queue<String>> deletes = new ConcurrentHashMap<>();
    private final Map<String, Queue<Replies.ReplicateOrder>> copies = new ConcurrentHashMap<>();
    private volatile ErrorBody refuseRegistration;
    private volatile boolean forgetNodes;
    private volatile List<String> monitorTokens;
    private volatile int staleReports;
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private final Javalin app;

    public FakeMaster(String clusterId) {
        this(clusterId, 0);
    }

    /** A master on a given port: only to bring one back where a test had one before. */
    public FakeMaster(String clusterId, int port) {
        this.clusterId = clusterId;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.post("/api/v1/nodes/register", this::register);
            config.routes.post("/api/v1/nodes/report", this::report);
            config.routes.post("/api/v1/nodes/heartbeat", this::heartbeat);
            config.routes.post("/api/v1/nodes/bad", this::bad);
        }).start("127.0.0.1", port);
    }

    public String url() {
        return "http://127.0.0.1:" + app.port();
    }

    public int port() {
        return app.port();
    }

    /** Refuse every registration with this error until {@link #acceptRegistrations()}. */
    public void refuseRegistrations(ErrorCode code, String message) {
        refuseRegistration = new ErrorBody(code.name(), message);
    }

    public void acceptRegistrations() {
        refuseRegistration = null;
    }

    /** Answer the next heartbeats with EUNKNOWNNODE, as a restarted master does, until a node registers again. */
    public void forgetNodes() {
        forgetNodes = true;
    }

    /** Tell the datanodes, in every heartbeat reply from now on, of these metrics-token hashes. */
    public void monitorTokens(List<String> hashes) {
        this.monitorTokens = List.copyOf(hashes);
    }

    /** Put these chunk ids in the deleteChunks of the next heartbeat reply to {@code nodeId}. */
    public void orderDelete(String nodeId, String... ids) {
        deletes.computeIfAbsent(nodeId, k -> new ConcurrentLinkedQueue<>()).addAll(List.of(ids));
    }

    /** Put this copy order in the next heartbeat reply to {@code nodeId}. */
    public void orderCopy(String nodeId, Replies.ReplicateOrder order) {
        copies.computeIfAbsent(nodeId, k -> new ConcurrentLinkedQueue<>()).add(order);
    }

    private static <T> List<T> drain(Map<String, Queue<T>> queues, String nodeId) {
        List<T> out = new ArrayList<>();
        Queue<T> q = queues.get(nodeId);
        T t;
        while (q != null && (t = q.poll()) != null) {
            out.add(t);
        }
        return out;
    }

    /** Answer the next {@code n} reports of bad replicas with 500 EIO (they are not recorded). */
    public void refuseBadReports(int n) {
        badRefusals = n;
    }

    /** Every chunk id reported bad, in order. */
    public List<String> badIds() {
        List<String> all = new ArrayList<>();
        for (Requests.BadReplicas b : bad) {
            all.addAll(b.chunkIds());
        }
        return all;
    }

    /** Every chunk id reported, in order. */
    public List<String> reportedIds() {
        List<String> all = new ArrayList<>();
        for (Requests.ChunkReport r : reports) {
            all.addAll(r.chunkIds());
        }
        return all;
    }

    private static <T> T body(Context ctx, Class<T> type) throws Exception {
        return Json.mapper().readValue(ctx.bodyAsBytes(), type);
    }

    /**
     * Answers as a master does: a successful reply to a request signed with a key provisioned by
     * {@link TestKeys} is signed with that key for that request.
     */
    private static void reply(Context ctx, int status, Object body) throws Exception {
        byte[] bytes = Json.mapper().writeValueAsBytes(body);
        NodeSignature.Claim claim = NodeSignature.parse(ctx.header("Authorization"));
        if (claim != null && status / 100 == 2) {
            String q = ctx.queryString();
            byte[] key = TestKeys.signerOf(claim, ctx.method().name(), ctx.path() + (q == null ? "" : "?" + q),
                    ctx.bodyAsBytes());
            if (key != null) {
                ctx.header(ReplySignature.HEADER, ReplySignature.sign(key, claim.nodeId(), claim.nonce(), status, bytes));
            }
        }
        ctx.status(status).contentType("application/json").result(bytes);
    }

    private void register(Context ctx) throws Exception {
        Requests.Register r = body(ctx, Requests.Register.class);
        registers.add(r);
        ErrorBody refusal = refuseRegistration;
        if (refusal != null) {
            reply(ctx, ErrorCode.parse(refusal.code()).httpStatus(), refusal);
            return;
        }
        forgetNodes = false;
        reply(ctx, 200, new Replies.Registered(clusterId, r.nodeId()));
    }

    /** Refuse the next {@code n} report parts that carry a generation with ESTALE (not recorded), as if overtaken. */
    public void refuseReportsAsStale(int n) {
        staleReports = n;
    }

    /** The generation the newest full report was given. */
    public long generation() {
        return generation.get();
    }

    private void report(Context ctx) throws Exception {
        Requests.ChunkReport r = body(ctx, Requests.ChunkReport.class);
        if (r.isFull() && r.generation() == null) {
            begun.add(r);
            reply(ctx, 200, new Replies.Reported(true, generation.incrementAndGet()));
            return;
        }
        if (r.isFull() && staleReports > 0) {
            staleReports--;
            reply(ctx, 409, new ErrorBody("ESTALE", "overtaken by a newer report"));
            return;
        }
        reports.add(r);
        reply(ctx, 200, new Replies.Reported(true, r.generation()));
    }

    private void heartbeat(Context ctx) throws Exception {
        Requests.Heartbeat h = body(ctx, Requests.Heartbeat.class);
        heartbeats.add(h);
        if (forgetNodes) {
            reply(ctx, 404, new ErrorBody("EUNKNOWNNODE", "datanode " + h.nodeId() + " is not registered"));
            return;
        }
        reply(ctx, 200, new Replies.HeartbeatReply(drain(deletes, h.nodeId()), drain(copies, h.nodeId()), monitorTokens));
    }

    private void bad(Context ctx) throws Exception {
        Requests.BadReplicas b = body(ctx, Requests.BadReplicas.class);
        if (badRefusals > 0) {
            badRefusals--;
            refusedBad.add(b);
            reply(ctx, 500, new ErrorBody("EIO", "not now"));
            return;
        }
        bad.add(b);
        reply(ctx, 200, Replies.Ok.OK);
    }

    @Override
    public void close() {
        app.stop();
    }
}
