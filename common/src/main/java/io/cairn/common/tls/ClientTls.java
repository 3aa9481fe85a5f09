package io.cairn.common.tls;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import okhttp3.OkHttpClient;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Map;

/**
 * Which certificate authorities a client trusts when it calls an https:// master or datanode: the
 * ones in a PEM file ({@code --tls-ca FILE}, else {@code $CAIRN_TLS_CA}), or, when none is given,
 * the JVM's default trust store. Host names and IP addresses are always checked against the
 * server's certificate (OkHttp's verifier); only TLS 1.2 and 1.3 are spoken (OkHttp's modern
 * connection spec). http:// URLs are unaffected.
 */
public final class ClientTls {
    public static final String ENV = "CAIRN_TLS_CA";
    public static final String HELP = "PEM file of the CA certificate(s) that signed the servers' certificates, for"
            + " https:// URLs (default: $CAIRN_TLS_CA, else the JVM's trust store)";
    /** Trusts what the JVM's default trust store trusts. */
    public static final ClientTls JVM_DEFAULT = new ClientTls(null, null, null);

    private final Path caFile;
    private final SSLContext context;
    private final X509TrustManager trust;

    private ClientTls(Path caFile, SSLContext context, X509TrustManager trust) {
        this.caFile = caFile;
        this.context = context;
        this.trust = trust;
    }

    /** The CA file to use: {@code option}, else the one {@code $CAIRN_TLS_CA} names, else none (null). */
    public static Path resolve(Path option, Map<String, String> env) {
        if (option != null) {
            return option;
        }
        String e = env.get(ENV);
        return e != null && !e.isBlank() ? Path.of(e) : null;
    }

    /** As {@link #resolve} with this process's environment, then loaded; the JVM's trust store when there is no file. */
    public static ClientTls find(Path option) throws IOException {
        Path file = resolve(option, System.getenv());
        return file == null ? JVM_DEFAULT : fromCaFile(file);
    }

    /**
     * Trusts exactly the CA certificates in {@code file} (PEM, one or more).
     *
     * @throws CairnException ENOENT when there is no such file, EINVAL when it holds no certificate
     */
    public static ClientTls fromCaFile(Path file) throws IOException {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(file)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new CairnException(ErrorCode.ENOENT, "no CA file " + file);
        } catch (java.security.cert.CertificateException e) {
            throw new CairnException(ErrorCode.EINVAL, file + " does not hold PEM certificates: " + e.getMessage());
        }
        if (certs.isEmpty()) {
            throw new CairnException(ErrorCode.EINVAL, file + " holds no certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            X509TrustManager tm = null;
            for (TrustManager t : tmf.getTrustManagers()) {
                if (t instanceof X509TrustManager x) {
                    tm = x;
                }
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, null);
            return new ClientTls(file, ctx, tm);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the certificates in " + file + ": " + e.getMessage(), e);
        }
    }

    /** The CA file trusted, or null for the JVM's trust store. */
    public Path caFile() {
        return caFile;
    }

    /** "the CA in FILE" or "the JVM's default trust store", for messages. */
    public String trustedWhat() {
        return caFile == null ? "a CA in the JVM's default trust store (give --tls-ca FILE)" : "the CA in " + caFile;
    }

    /** Sets {@code builder} to trust these authorities. */
    public OkHttpClient.Builder apply(OkHttpClient.Builder builder) {
        if (context != null) {
            builder.sslSocketFactory(context.getSocketFactory(), trust);
        }
        return builder;
    }
}
