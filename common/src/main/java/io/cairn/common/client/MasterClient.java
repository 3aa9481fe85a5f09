package io.cairn.common.client;

import com.fasterxml.jackson.core.type.TypeReference;
import io.cairn.common.error.CairnException;
import io.cairn.common.json.Json;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ClusterStatus;
import io.cairn.common.wire.DirEntry;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.ListPage;
import io.cairn.common.wire.NodeInfo;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.RequestId;
import io.cairn.common.wire.Requests;
import okhttp3.HttpUrl;
import okhttp3.Request;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed calls to the master's /api/v1. Paths are absolute Cairn paths ("/docs/a.txt").
 *
 * <p>Every call that changes something carries a request id ({@link RequestId}), made once per
 * call. When the answer is lost to a transport failure (the connection broke after the master may
 * have carried the call out), the call is sent again with the same id until it is answered or its
 * deadline (the client's timeout) has passed: the master answers a request it already carried out
 * with its first answer, so the change happens once and the caller sees how it went.
 */
public final class MasterClient {
    /** First pause before a change is sent again; it doubles up to {@link #MAX_PAUSE_MS}. */
    private static final long FIRST_PAUSE_MS = 50;
    private static final long MAX_PAUSE_MS = 1000;

    private final Http http;
    private final HttpUrl base;

    public MasterClient(Http http, String masterUrl) {
        this.http = http;
        HttpUrl u = HttpUrl.parse(masterUrl.endsWith("/") ? masterUrl : masterUrl + "/");
        if (u == null) {
            throw new IllegalArgumentException("not a URL: " + masterUrl);
        }
        this.base = u.newBuilder().addPathSegments("api/v1").build();
    }

    public Http http() {
        return http;
    }

    public String url() {
        String s = base.toString();
        return s.substring(0, s.length() - "api/v1".length() - 1);
    }

    private HttpUrl.Builder url(String segments) {
        return base.newBuilder().addPathSegments(segments);
    }

    private <T> T get(HttpUrl url, Class<T> type) throws IOException {
        return http.call(new Request.Builder().url(url).get().build(), type);
    }

    private <T> T post(String segments, Object body, Class<T> type) throws IOException {
        return http.call(new Request.Builder().url(url(segments).build()).post(Http.json(body)).build(), type);
    }

    /** A change: sent under one fresh request id, and sent again after a transport failure until the deadline. */
    private <T> T change(String segments, Object body, Class<T> type) throws IOException {
        Request request = new Request.Builder().url(url(segments).build()).header(RequestId.HEADER, RequestId.fresh())
                .post(Http.json(body)).build();
        long deadline = System.nanoTime() + http.timeout().toNanos();
        long pause = FIRST_PAUSE_MS;
        while (true) {
            try {
                return http.call(request, type);
            } catch (CairnException e) {
                throw e; // the master answered
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted() || System.nanoTime() + pause * 1_000_000 > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while sending " + segments + " again");
            }
            pause = Math.min(MAX_PAUSE_MS, pause * 2);
        }
    }

    public ClusterStatus status() throws IOException {
        return get(url("status").build(), ClusterStatus.class);
    }

    public Attr attr(String path) throws IOException {
        return get(url("fs/attr").addQueryParameter("path", path).build(), Attr.class);
    }

    public Attr attr(long inode) throws IOException {
        return get(url("fs/attr").addQueryParameter("inode", Long.toString(inode)).build(), Attr.class);
    }

    public ListPage list(String path, String after, int limit) throws IOException {
        HttpUrl.Builder u = url("fs/list").addQueryParameter("path", path)
                .addQueryParameter("limit", Integer.toString(limit));
        if (after != null) {
            u.addQueryParameter("after", after);
        }
        return get(u.build(), ListPage.class);
    }

    /** Every entry of a directory, fetched page by page. */
    public List<DirEntry> listAll(String path) throws IOException {
        List<DirEntry> all = new ArrayList<>();
        String after = null;
        do {
            ListPage page = list(path, after, 1000);
            all.addAll(page.entries());
            after = page.next();
        } while (after != null);
        return all;
    }

    public Attr mkdir(String path, Integer mode, Integer uid, Integer gid, boolean parents) throws IOException {
        return change("fs/mkdir", new Requests.Mkdir(path, mode, uid, gid, parents), Attr.class);
    }

    public Attr create(String path, FileType type, Integer mode, Integer uid, Integer gid, Long rdev,
                       boolean exclusive) throws IOException {
        return change("fs/create", new Requests.Create(path, type, mode, uid, gid, rdev, exclusive), Attr.class);
    }

    /**
     * Creates (or, not exclusive, opens) a regular file and has the master place its first chunk in
     * the same call: the answer's allocation is leased to the file (null when none could be had).
     */
    public Replies.Created createForWriting(String path, Integer mode, Integer uid, Integer gid, boolean exclusive)
            throws IOException {
        return change("fs/create", new Requests.Create(path, FileType.FILE, mode, uid, gid, null, exclusive, true),
                Replies.Created.class);
    }

    public Attr symlink(String path, String target, Integer uid, Integer gid) throws IOException {
        return change("fs/symlink", new Requests.Symlink(path, target, uid, gid), Attr.class);
    }

    public Attr link(String existing, String path) throws IOException {
        return change("fs/link", new Requests.Link(existing, path), Attr.class);
    }

    public void unlink(String path) throws IOException {
        unlink(path, null);
    }

    /** Removes {@code path}; {@code keepFor}: this mount's session, when it has the file open (see {@link Requests.Remove}). */
    public void unlink(String path, String keepFor) throws IOException {
        change("fs/unlink", new Requests.Remove(path, keepFor), Replies.Ok.class);
    }

    /** This mount closed {@code inode}, which the master kept for its session after its last name went. */
    public void release(String session, long inode) throws IOException {
        change("fs/release", new Requests.Release(session, inode), Replies.Ok.class);
    }

    public void rmdir(String path) throws IOException {
        change("fs/rmdir", new Requests.Remove(path), Replies.Ok.class);
    }

    public void rename(String from, String to, boolean noReplace) throws IOException {
        change("fs/rename", new Requests.Rename(from, to, noReplace), Replies.Ok.class);
    }

    public Attr setAttr(Requests.SetAttr request) throws IOException {
        return change("fs/setattr", request, Attr.class);
    }

    /** The value of extended attribute {@code name}, or ENODATA. */
    // ---- mount sessions and locks (each safe to send again: the master's answer does not depend on how often)

    /** Opens a mount's session, under a name that says which mount it is. */
    public Replies.Session openSession(String name) throws IOException {
        return change("sessions", new Requests.OpenSession(name), Replies.Session.class);
    }

    /** Renews a session; ESTALE when it lapsed (its locks are gone). */
    public void renewSession(String session) throws IOException {
        change("sessions/renew", new Requests.SessionRef(session), Replies.Ok.class);
    }

    /** Ends a session, releasing every lock held through it. */
    public void closeSession(String session) throws IOException {
        change("sessions/close", new Requests.SessionRef(session), Replies.Ok.class);
    }

    /** Takes, changes or releases a lock, the master waiting up to {@code waitMs} for a conflict to go. */
    public Replies.Locked lock(Requests.Lock request) throws IOException {
        return change("locks", request, Replies.Locked.class);
    }

    /** Whether a lock could be taken now, and the lock in its way if not. */
    public Replies.Locked testLock(Requests.Lock request) throws IOException {
        return change("locks/test", request, Replies.Locked.class);
    }

    public byte[] getXattr(String path, String name) throws IOException {
        return get(url("fs/xattr").addQueryParameter("path", path).addQueryParameter("name", name).build(),
                Replies.Xattr.class).value();
    }

    public List<String> listXattrs(String path) throws IOException {
        return get(url("fs/xattrs").addQueryParameter("path", path).build(), Replies.XattrNames.class).names();
    }

    public void setXattr(String path, String name, byte[] value, int flags) throws IOException {
        change("fs/setxattr", new Requests.SetXattr(path, name, value, flags), Replies.Ok.class);
    }

    public void removeXattr(String path, String name) throws IOException {
        change("fs/removexattr", new Requests.RemoveXattr(path, name), Replies.Ok.class);
    }

    public FileLayout layout(long inode, long from, int limit) throws IOException {
        return get(url("fs/chunks").addQueryParameter("inode", Long.toString(inode))
                .addQueryParameter("from", Long.toString(from))
                .addQueryParameter("limit", Integer.toString(limit)).build(), FileLayout.class);
    }

    public Allocation allocate(long inode, List<String> exclude, Integer count) throws IOException {
        return change("fs/allocate", new Requests.Allocate(inode, exclude, count), Allocation.class);
    }

    /** {@code many} fresh chunk ids for the file, each with its targets and lease, in one call. */
    public List<Allocation> allocateMany(long inode, int many) throws IOException {
        return change("fs/allocate", new Requests.Allocate(inode, List.of(), null, null, null, many), Allocation.class)
                .all();
    }

    /** More targets for chunk {@code chunkId}, at {@code index} of the file: their tokens open that chunk. */
    public Allocation allocateFor(long inode, String chunkId, long index, List<String> exclude, int count)
            throws IOException {
        return change("fs/allocate", new Requests.Allocate(inode, exclude, count, chunkId, index), Allocation.class);
    }

    public Attr commit(Requests.Commit commit) throws IOException {
        return change("fs/commit", commit, Attr.class);
    }

    /**
     * Asks the master to make every change it committed so far survive a power cut (its barrier). Sent
     * again after a transport failure: a second barrier is harmless.
     */
    public void sync() throws IOException {
        change("fs/sync", Requests.Sync.SYNC, Replies.Ok.class);
    }

    /** Renews this writer's leases on chunks it allocated and has not committed; says which are lost. */
    public Replies.Renewed renew(List<String> chunkIds) throws IOException {
        return post("fs/renew", new Requests.Renew(chunkIds), Replies.Renewed.class);
    }

    public List<NodeInfo> nodes() throws IOException {
        return http.call(new Request.Builder().url(url("nodes").build()).get().build(),
                Json.mapper().getTypeFactory().constructType(new TypeReference<List<NodeInfo>>() { }));
    }

    /** Up to {@code limit} (1 to 1000) cluster events with ids after {@code after} (0: from the oldest kept), oldest first. */
    public Replies.Events events(long after, int limit) throws IOException {
        return get(url("events").addQueryParameter("after", Long.toString(after))
                .addQueryParameter("limit", Integer.toString(limit)).build(), Replies.Events.class);
    }

    public Replies.FsckReport fsck(String path) throws IOException {
        return get(url("fsck").addQueryParameter("path", path).build(), Replies.FsckReport.class);
    }

    public NodeInfo decommission(String node) throws IOException {
        return post("nodes/decommission", new Requests.Decommission(node), NodeInfo.class);
    }

    /** Reports replicas that failed their checksum, so the master replaces them. */
    public void reportBad(String nodeId, List<String> chunkIds) throws IOException {
        post("nodes/bad", new Requests.BadReplicas(nodeId, chunkIds), Replies.Ok.class);
    }

    /** Streams a consistent copy of the master's metadata database into {@code out}. */
    public long backup(java.io.OutputStream out) throws IOException {
        Request request = new Request.Builder().url(url("admin/backup").build()).get().build();
        try (okhttp3.Response response = http.client().newCall(request).execute()) {
            if (!response.isSuccessful()) {
                throw Http.errorOf(response);
            }
            try (java.io.InputStream in = response.body().byteStream()) {
                return in.transferTo(out);
            }
        }
    }

    public Replies.Registered register(Requests.Register r) throws IOException {
        return post("nodes/register", r, Replies.Registered.class);
    }

    public Replies.HeartbeatReply heartbeat(Requests.Heartbeat h) throws IOException {
        return post("nodes/heartbeat", h, Replies.HeartbeatReply.class);
    }

    /** A part of a datanode's chunk report; a full report's first part is answered with its generation. */
    public Replies.Reported report(Requests.ChunkReport r) throws IOException {
        return post("nodes/report", r, Replies.Reported.class);
    }

    // ---- security

    /** The name and scope of the token this client calls with. */
    public Replies.WhoAmI whoAmI() throws IOException {
        return get(url("whoami").build(), Replies.WhoAmI.class);
    }

    /** Makes a client token (admins only); the answer is the only place the token is shown. */
    public Replies.TokenMade createToken(String name, String scope, Long ttlMs) throws IOException {
        return createToken(new Requests.TokenCreate(name, scope, ttlMs));
    }

    /** A token confined to directory {@code subtree} (null: the whole namespace). */
    public Replies.TokenMade createToken(String name, String scope, Long ttlMs, String subtree) throws IOException {
        return createToken(new Requests.TokenCreate(name, scope, ttlMs, subtree, null, null, null));
    }

    public Replies.TokenMade createToken(Requests.TokenCreate request) throws IOException {
        return post("admin/tokens", request, Replies.TokenMade.class);
    }

    public List<Replies.TokenInfo> tokens() throws IOException {
        return http.call(new Request.Builder().url(url("admin/tokens").build()).get().build(),
                Json.mapper().getTypeFactory().constructType(new TypeReference<List<Replies.TokenInfo>>() { }));
    }

    /** The cluster key versions the master holds and the version each datanode signs with. */
    public Replies.KeyStatus keys() throws IOException {
        return http.call(new Request.Builder().url(url("admin/keys").build()).get().build(), Replies.KeyStatus.class);
    }

    public void revokeToken(String name) throws IOException {
        http.call(new Request.Builder().url(url("admin/tokens").addPathSegment(name).build()).delete().build(),
                Replies.Ok.class);
    }

    /** Makes a one-time join token for a datanode ({@code nodeId}: for that node only; null: any new node). */
    public Replies.TokenMade createJoinToken(String nodeId, Long ttlMs) throws IOException {
        return post("admin/join-tokens", new Requests.JoinTokenCreate(nodeId, ttlMs), Replies.TokenMade.class);
    }

    /** Enrolls datanode {@code nodeId} (this client's credentials are the join token). */
    public Replies.Enrolled enroll(String nodeId) throws IOException {
        return post("nodes/enroll", new Requests.Enroll(nodeId), Replies.Enrolled.class);
    }
}
