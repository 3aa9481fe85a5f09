package io.cairn.server.tls;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The rule for serving without TLS: on a loopback address, always (the demo, tests on one machine);
 * on any other address, including the wildcard, only when {@code --insecure-http} says so, since
 * tokens, node keys and file data would cross the network in the clear.
 */
public final class PlainHttp {
    private PlainHttp() {
    }

    /** Whether {@code bind} is a loopback address, or a name every address of which is loopback. */
    public static boolean isLoopback(String bind) {
        String host = bind.startsWith("[") && bind.endsWith("]") ? bind.substring(1, bind.length() - 1) : bind;
        if (host.isEmpty()) {
            return false;
        }
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Refuses a {@code role} ("master", "datanode") asked to serve plain HTTP on {@code bind} off
     * loopback without {@code insecureHttp}.
     *
     * @throws CairnException EINVAL, in one line saying what to give
     */
    public static void check(String role, String bind, boolean tls, boolean insecureHttp) throws CairnException {
        if (tls || insecureHttp || isLoopback(bind)) {
            return;
        }
        throw new CairnException(ErrorCode.EINVAL, "refusing to serve the " + role + " over plain HTTP on " + bind
                + ", which is not a loopback address: give --tls-cert FILE --tls-key FILE (cairn admin tls init makes"
                + " them), or --insecure-http to send tokens and data unencrypted anyway");
    }
}
