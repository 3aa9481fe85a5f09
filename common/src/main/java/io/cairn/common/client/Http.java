package io.cairn.common.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.json.Json;
import io.cairn.common.security.Caller;
import io.cairn.common.tls.ClientTls;
import io.cairn.common.tls.TlsFailure;
import io.cairn.common.wire.ErrorBody;
import io.cairn.common.wire.WireVersion;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The process's one HTTP client (connection pooling, timeouts) and the JSON call helpers on top of
 * it. An error reply becomes a {@link CairnException} with the server's code; a transport failure
 * stays a plain {@link IOException}. Every request announces the Cairn wire version
 * ({@link WireVersion#HEADER}), so a master or datanode of another version refuses it with one
 * clear line (EPROTO) instead of misreading it.
 *
 * <p>Nothing waits without a deadline ({@link Deadlines}): connecting takes at most 5 s (or the
 * timeout, if shorter); a socket that moves no byte for the timeout fails; and a whole call, from
 * connecting to the last byte of the answer, fails after the timeout unless it was made with a
 * longer deadline of its own ({@link #newCall(Request, Duration)}, for a body in proportion to its
 * size: chunk transfers, a metadata backup).
 */
public final class Http {
    public static final MediaType JSON = MediaType.get("application/json");
    public static final MediaType OCTETS = MediaType.get("application/octet-stream");
    /** Largest JSON reply read into memory. */
    static final long MAX_JSON_REPLY = 64L << 20;

    private final OkHttpClient client;
    private final Duration timeout;
    private final Deadlines deadlines;

    public Http(Duration timeout) {
        this(timeout, WireVersion.CURRENT, Credentials.NONE);
    }

    /** A client that proves itself to the master with {@code credentials}. */
    public Http(Duration timeout, Credentials credentials) {
        this(timeout, WireVersion.CURRENT, credentials);
    }

    /**
     * A client that announces {@code wireVersion} rather than {@link WireVersion#CURRENT}: only for
     * tests of how servers refuse a caller of another version.
     */
    public Http(Duration timeout, int wireVersion) {
        this(timeout, wireVersion, Credentials.NONE);
    }

    /** A client of another wire version with credentials: only for tests of refusals. */
    public Http(Duration timeout, int wireVersion, Credentials credentials) {
        this(timeout, wireVersion, credentials, ClientTls.JVM_DEFAULT, null, null);
    }

    /**
     * A client that trusts {@code tls} for https:// servers and proves itself to the master at
     * {@code masterUrl} with {@code credentials}; a failed TLS handshake becomes a {@link TlsFailure}
     * that names the master (or, for any other server, the datanode) and the cause.
     */
    public Http(Duration timeout, Credentials credentials, ClientTls tls, String masterUrl) {
        this(timeout, WireVersion.CURRENT, credentials, tls, masterUrl, null);
    }

    /**
     * As above, with {@code events} told of every call's start, reply and end (the mount's metrics
     * time its remote calls this way); it observes only and changes nothing about the calls. Null: none.
     */
    public Http(Duration timeout, Credentials credentials, ClientTls tls, String masterUrl,
                EventListener.Factory events) {
        this(timeout, WireVersion.CURRENT, credentials, tls, masterUrl, events);
    }

    private Http(Duration timeout, int wireVersion, Credentials credentials, ClientTls tls, String masterUrl,
                 EventListener.Factory events) {
        this.timeout = timeout;
        this.deadlines = new Deadlines(timeout);
        String announced = Integer.toString(wireVersion);
        HttpUrl master = masterUrl == null ? null : HttpUrl.parse(masterUrl);
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(256);
        dispatcher.setMaxRequestsPerHost(64);
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(Math.min(timeout.toMillis(), 5_000), TimeUnit.MILLISECONDS)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .callTimeout(timeout)
                .retryOnConnectionFailure(true)
                .socketFactory(new NoDelaySockets())
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(32, 1, TimeUnit.MINUTES))
                .addInterceptor(chain -> {
                    Request r = chain.request();
                    try {
                        Request.Builder b = r.newBuilder().header(WireVersion.HEADER, announced);
                        Caller as = Caller.current();
                        if (as != null && (master == null || sameServer(r.url(), master))) {
                            b.header(Caller.HEADER, as.header()); // the master checks modes as it for an id-limited token
                        }
                        Request sent = credentials.apply(b.build());
                        return credentials.check(sent, chain.proceed(sent));
                    } catch (IOException e) {
                        throw TlsFailure.explain(e, who(r.url(), masterUrl), r.url().host(), tls);
                    }
                });
        if (events != null) {
            builder.eventListenerFactory(events);
        }
        this.client = tls.apply(builder).build();
    }

    private static boolean sameServer(HttpUrl a, HttpUrl b) {
        return a.port() == b.port() && a.host().equalsIgnoreCase(b.host());
    }

    /** "the master at https://HOST:PORT" when {@code url} is the master's, else "the datanode at ...". */
    private static String who(HttpUrl url, String masterUrl) {
        String base = url.scheme() + "://" + (url.host().contains(":") ? "[" + url.host() + "]" : url.host()) + ":"
                + url.port();
        HttpUrl master = masterUrl == null ? null : HttpUrl.parse(masterUrl);
        if (master == null) {
            return "the server at " + base;
        }
        boolean same = master.port() == url.port() && master.host().equalsIgnoreCase(url.host());
        return (same ? "the master at " : "the datanode at ") + base;
    }

    public OkHttpClient client() {
        return client;
    }

    public Duration timeout() {
        return timeout;
    }

    /** How long each kind of call and wait may take, from this client's timeout. */
    public Deadlines deadlines() {
        return deadlines;
    }

    /** A call that may take up to {@code deadline} in all (connecting, sending, and reading the whole answer). */
    public Call newCall(Request request, Duration deadline) {
        Call call = client.newCall(request);
        call.timeout().timeout(deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return call;
    }

    /** Sends a request and returns the decoded JSON reply, or throws the server's error; within {@link Deadlines#call()}. */
    public <T> T call(Request request, Class<T> type) throws IOException {
        return call(request, Json.mapper().constructType(type), deadlines.call());
    }

    public <T> T call(Request request, JavaType type) throws IOException {
        return call(request, type, deadlines.call());
    }

    /** As {@link #call(Request, Class)}, within {@code deadline} (a call that moves a large body). */
    public <T> T call(Request request, Class<T> type, Duration deadline) throws IOException {
        return call(request, Json.mapper().constructType(type), deadline);
    }

    private <T> T call(Request request, JavaType type, Duration deadline) throws IOException {
        try (Response response = newCall(request, deadline).execute()) {
            ResponseBody body = response.body();
            if (!response.isSuccessful()) {
                throw errorOf(response);
            }
            if (body.contentLength() > MAX_JSON_REPLY) {
                throw new CairnException(ErrorCode.EIO, "reply too large from " + request.url());
            }
            try (InputStream in = body.byteStream()) {
                return Json.mapper().readValue(in, type);
            }
        }
    }

    /**
     * Whether a transport failure is a deadline that ran out (a socket that moved no byte for the
     * timeout, a whole call past its deadline, a transfer below the minimum rate), as opposed to a
     * refused or reset connection or an interrupt of the caller's own thread.
     */
    public static boolean isTimeout(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return true;
        }
        return e instanceof InterruptedIOException && "timeout".equals(e.getMessage()); // a call past its deadline
    }

    public static RequestBody json(Object value) throws IOException {
        return RequestBody.create(Json.mapper().writeValueAsBytes(value), JSON);
    }

    /** Turns a non-2xx reply into the exception its JSON error body describes. */
    public static CairnException errorOf(Response response) {
        ObjectMapper mapper = Json.mapper();
        String where = response.request().method() + " " + response.request().url().encodedPath();
        try {
            byte[] bytes = response.body().byteStream().readNBytes(64 * 1024);
            ErrorBody e = mapper.readValue(bytes, ErrorBody.class);
            return new CairnException(ErrorCode.parse(e.code()), e.message());
        } catch (IOException | RuntimeException e) {
            return new CairnException(ErrorCode.EIO, "HTTP " + response.code() + " from " + where);
        }
    }
}
