package io.cairn.common.tls;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

/**
 * A call that failed in TLS, explained in one line that names the server and the cause: a
 * certificate its client does not trust, a certificate for other names, or a server that does not
 * speak TLS at all. The cause is told by the exception's type, never by its message.
 */
public final class TlsFailure extends IOException {
    private static final long serialVersionUID = 1L;

    private TlsFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@code e}, explained when it is a TLS failure of a call to {@code who} (e.g. "the master at
     * https://10.0.0.1:5000"); any other failure is returned as it is.
     */
    public static IOException explain(IOException e, String who, String host, ClientTls tls) {
        if (e instanceof TlsFailure) {
            return e;
        }
        if (e instanceof SSLPeerUnverifiedException) {
            return new TlsFailure(who + " presented a certificate that does not name " + host
                    + " (make one that does: cairn admin tls init DIR --host " + host + ")", e);
        }
        if (e instanceof SSLHandshakeException) {
            if (has(e, CertPathBuilderException.class) || has(e, CertPathValidatorException.class)
                    || has(e, CertificateException.class)) {
                return new TlsFailure(who + " presented a certificate not signed by " + tls.trustedWhat(), e);
            }
            return new TlsFailure("TLS handshake with " + who + " failed: " + e.getMessage(), e);
        }
        if (e.getClass() == SSLException.class) { // what the JDK throws when the answer is not TLS at all
            return new TlsFailure(who + " speaks plain HTTP: use http:// (or start it with --tls-cert and --tls-key)", e);
        }
        return e;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
