package io.cairn.server.tls;

/**
 * How a master or datanode serves: over TLS with {@code tls}, or plain HTTP ({@code tls} null),
 * which off loopback needs {@code insecureHttp} (see {@link PlainHttp}).
 */
public record Transport(ServerTls tls, boolean insecureHttp) {
    /** Plain HTTP, on loopback only: the default. */
    public static final Transport PLAIN = new Transport(null, false);

    /** "https" or "http". */
    public String scheme() {
        return tls != null ? "https" : "http";
    }

    /** Refuses {@code role} serving on {@code bind} as this says, before anything is opened. */
    public void check(String role, String bind) throws java.io.IOException {
        PlainHttp.check(role, bind, tls != null, insecureHttp);
    }
}
