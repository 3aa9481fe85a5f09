package io.cairn.datanode.membership;

import io.cairn.common.client.Credentials;
import io.cairn.common.client.Http;
import io.cairn.common.tls.ClientTls;
import io.cairn.common.tls.TlsFailure;
import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.NodeKeyRing;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.VersionedKeys;
import io.cairn.common.security.SecretFile;
import io.cairn.common.wire.Replies;
import io.cairn.datanode.store.DataDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a datanode gets its key: the key it keeps in {@code node.key}, or, on its first start, the
 * one the master gives it for a join token. A master not up yet is waited for (up to
 * {@link #WAIT_FOR_MASTER}); a refused join token fails the start with the master's reason.
 */
public final class Enrollment {
    private static final Logger LOG = LoggerFactory.getLogger(Enrollment.class);
    static final Duration WAIT_FOR_MASTER = Duration.ofMinutes(2);

    private Enrollment() {
    }

    /** This datanode's key, enrolling with the join token in {@code joinTokenFile} first if it has none. */
    public static NodeKeyRing key(DataDir dir, String masterUrl, Path joinTokenFile) throws IOException {
        return key(dir, masterUrl, joinTokenFile, ClientTls.JVM_DEFAULT);
    }

    /** As above, trusting {@code tls} when the master is https://. */
    public static NodeKeyRing key(DataDir dir, String masterUrl, Path joinTokenFile, ClientTls tls) throws IOException {
        NodeKeyRing held = dir.nodeKeys();
        if (held != null) {
            if (joinTokenFile != null) {
                LOG.info("datanode {} has enrolled already ({}); the join token is not needed", dir.nodeId(),
                        dir.nodeKeyFile());
            }
            return held;
        }
        if (joinTokenFile == null) {
            throw new CairnException(ErrorCode.EAUTH, "datanode " + dir.nodeId() + " has not enrolled: make a join token"
                    + " on the master (cairn admin join-token --out FILE) and start it with --join-token-file FILE");
        }
        String token;
        try {
            token = SecretFile.read(joinTokenFile);
        } catch (NoSuchFileException e) {
            throw new CairnException(ErrorCode.ENOENT, "no join token file " + joinTokenFile);
        }
        Replies.Enrolled e = enroll(dir, masterUrl, token, tls);
        if (!dir.nodeId().equals(e.nodeId()) || dir.clusterId() != null && !dir.clusterId().equals(e.clusterId())) {
            throw new CairnException(ErrorCode.ECLUSTER, "master " + masterUrl + " enrolled this datanode into cluster "
                    + e.clusterId() + ", but it belongs to cluster " + dir.clusterId());
        }
        byte[] key;
        int version = e.keyVersion() == null ? 1 : e.keyVersion();
        try {
            key = NodeKeys.fromText(e.nodeKey());
        } catch (IllegalArgumentException | NullPointerException bad) {
            throw new CairnException(ErrorCode.EPROTO, "master " + masterUrl + " answered enrollment without a key");
        }
        if (version < 1 || version > VersionedKeys.MOST_VERSION) {
            throw new CairnException(ErrorCode.EPROTO, "master " + masterUrl + " gave a key of version " + version);
        }
        dir.saveNodeKey(version, key);
        LOG.info("datanode {} enrolled in cluster {}; its key (version {}) is in {}", dir.nodeId(), e.clusterId(),
                version, dir.nodeKeyFile());
        return dir.nodeKeys();
    }

    private static Replies.Enrolled enroll(DataDir dir, String masterUrl, String token, ClientTls tls) throws IOException {
        Http http = new Http(Duration.ofSeconds(10), Credentials.bearer(masterUrl, token), tls, masterUrl);
        try {
            MasterClient master = new MasterClient(http, masterUrl);
            long deadline = System.nanoTime() + WAIT_FOR_MASTER.toNanos();
            Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
            while (true) {
                try {
                    return master.enroll(dir.nodeId());
                } catch (CairnException e) {
                    throw new CairnException(e.code(), "master " + masterUrl + " refused to enroll datanode "
                            + dir.nodeId() + ": " + e.getMessage());
                } catch (TlsFailure e) { // a certificate does not mend itself: say so at once
                    throw e;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("could not reach master " + masterUrl + " to enroll within "
                                + WAIT_FOR_MASTER.toSeconds() + " s: " + e.getMessage(), e);
                    }
                    LOG.info("waiting for master {} to enroll: {}", masterUrl, e.toString());
                }
                try {
                    Thread.sleep(backoff.next().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while enrolling");
                }
            }
        } finally {
            http.client().dispatcher().executorService().shutdown();
            http.client().connectionPool().evictAll();
        }
    }
}
