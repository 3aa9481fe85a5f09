package io.cairn.common.client;

import com.fasterxml.jackson.core.type.TypeReference;
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
import io.cairn.common.wire.Requests;
import okhttp3.HttpUrl;
import okhttp3.Request;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Typed calls to the master's /api/v1. Paths are absolute Cairn paths ("/docs/a.txt"). */
public final class MasterClient {
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
        return post("fs/mkdir", new Requests.Mkdir(path, mode, uid, gid, parents), Attr.class);
    }

    public Attr create(String path, FileType type, Integer mode, Integer uid, Integer gid, Long rdev,
                       boolean exclusive) throws IOException {
        return post("fs/create", new Requests.Create(path, type, mode, uid, gid, rdev, exclusive), Attr.class);
    }

    public Attr symlink(String path, String target, Integer uid, Integer gid) throws IOException {
        return post("fs/symlink", new Requests.Symlink(path, target, uid, gid), Attr.class);
    }

    public Attr link(String existing, String path) throws IOException {
        return post("fs/link", new Requests.Link(existing, path), Attr.class);
    }

    public void unlink(String path) throws IOException {
        post("fs/unlink", new Requests.Remove(path), Replies.Ok.class);
    }

    public void rmdir(String path) throws IOException {
        post("fs/rmdir", new Requests.Remove(path), Replies.Ok.class);
    }

    public void rename(String from, String to, boolean noReplace) throws IOException {
        post("fs/rename", new Requests.Rename(from, to, noReplace), Replies.Ok.class);
    }

    public Attr setAttr(Requests.SetAttr request) throws IOException {
        return post("fs/setattr", request, Attr.class);
    }

    public FileLayout layout(long inode, long from, int limit) throws IOException {
        return get(url("fs/chunks").addQueryParameter("inode", Long.toString(inode))
                .addQueryParameter("from", Long.toString(from))
                .addQueryParameter("limit", Integer.toString(limit)).build(), FileLayout.class);
    }

    public Allocation allocate(long inode, List<String> exclude, Integer count) throws IOException {
        return post("fs/allocate", new Requests.Allocate(inode, exclude, count), Allocation.class);
    }

    public Attr commit(Requests.Commit commit) throws IOException {
        return post("fs/commit", commit, Attr.class);
    }

    public List<NodeInfo> nodes() throws IOException {
        return http.call(new Request.Builder().url(url("nodes").build()).get().build(),
                Json.mapper().getTypeFactory().constructType(new TypeReference<List<NodeInfo>>() { }));
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

    public void report(Requests.ChunkReport r) throws IOException {
        post("nodes/report", r, Replies.Ok.class);
    }
}
