package io.cairn.it;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token file of each cluster the test harness started, by the URL clients reach its master
 * at: so that a mount or a command a test starts against that URL calls with the cluster's admin
 * token ({@code $CAIRN_TOKEN_FILE}) without every test passing it along.
 */
public final class ClusterTokens {
    private static final Map<String, Path> BY_MASTER = new ConcurrentHashMap<>();

    private ClusterTokens() {
    }

    public static void register(String masterUrl, Path tokenFile) {
        BY_MASTER.put(masterUrl, tokenFile);
    }

    public static void forget(String masterUrl) {
        BY_MASTER.remove(masterUrl);
    }

    /** The token file for the master at {@code masterUrl}, or null when the harness did not start it. */
    public static Path of(String masterUrl) {
        return BY_MASTER.get(masterUrl);
    }
}
