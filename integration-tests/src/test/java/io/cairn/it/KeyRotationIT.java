package io.cairn.it;

import io.cairn.common.client.Cluster;
import io.cairn.common.client.Credentials;
import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.NodeKeyRing;
import io.cairn.common.security.NodeKeys;
import io.cairn.common.security.SecretFile;
import io.cairn.common.security.VersionedKeys;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.security.ClusterKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cluster key is rotated while the cluster runs: every datanode is given its next key on its
 * next call (its key file on disk shows it), files written before and after read back, chunk
 * tokens are minted under the new version, and once the old version is retired every datanode
 * drops it from its disk and a request signed with it is refused.
 */
@Timeout(120)
class KeyRotationIT {
    @Test
    void datanodesMoveToANewKeyWhileTheyRunAndARetiredKeyOpensNothing() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).replication(2).start()) {
            Cluster c = mc.client();
            byte[] before = random(700_000, 1);
            put(c, "/before", before);
            byte[][] oldKeys = new byte[2][];
            for (int i = 0; i < 2; i++) {
                NodeKeyRing ring = ringOnDisk(mc, i);
                assertThat(ring.version()).isEqualTo(1);
                oldKeys[i] = ring.current();
            }
            assertThat(tokens(c, "/before")).allSatisfy(t -> assertThat(t).startsWith("v1."));

            assertThat(ClusterKey.rotate(mc.masterDir())).isEqualTo(2);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            for (int i = 0; i < 2; i++) {
                while (ringOnDisk(mc, i).version() != 2) {
                    assertThat(System.nanoTime()).as("datanode %d moves to key version 2", i).isLessThan(deadline);
                    Thread.sleep(100);
                }
                NodeKeyRing ring = ringOnDisk(mc, i);
                assertThat(ring.current()).as("its new key is the one version 2 of the cluster key makes")
                        .isEqualTo(NodeKeys.nodeKey(clusterKey(mc, 2), mc.datanode(i).nodeId()));
                assertThat(ring.key(1)).as("the old one is kept, for tokens minted under it, until it is retired")
                        .isEqualTo(oldKeys[i]);
            }
            Replies.KeyStatus status = c.master().keys();
            assertThat(status.versions()).containsExactly(1, 2);
            assertThat(status.current()).isEqualTo(2);
            while (!c.master().keys().nodes().stream().allMatch(n -> n.keyVersion() == 2)) {
                assertThat(System.nanoTime()).as("the master sees both sign with version 2").isLessThan(deadline);
                Thread.sleep(100);
            }

            assertThat(get(c, "/before")).as("a file written before the rotation").isEqualTo(before);
            byte[] after = random(700_000, 2);
            put(c, "/after", after);
            assertThat(get(c, "/after")).isEqualTo(after);
            assertThat(tokens(c, "/after")).as("chunk tokens are minted under the new version")
                    .allSatisfy(t -> assertThat(t).startsWith("v2.2."));

            ClusterKey.retire(mc.masterDir(), 1);
            assertThat(VersionedKeys.parse(SecretFile.read(mc.masterDir().resolve(ClusterKey.FILE))))
                    .extracting(VersionedKeys.Entry::version).containsExactly(2);
            Thread.sleep(1200); // the master reads the file again within a second
            for (int i = 0; i < 2; i++) {
                while (ringOnDisk(mc, i).key(1) != null) {
                    assertThat(System.nanoTime()).as("datanode %d drops the retired key from its disk", i)
                            .isLessThan(deadline + Duration.ofSeconds(10).toNanos());
                    Thread.sleep(100);
                }
            }
            String id = mc.datanode(0).nodeId();
            Requests.Heartbeat hb = new Requests.Heartbeat(id, mc.master().clusterId(), mc.datanode(0).url(),
                    1L << 30, 0, 0);
            Http old = new Http(Duration.ofSeconds(5), Credentials.node(mc.masterUrl(), id, oldKeys[0], Clock.systemUTC()));
            assertThatThrownBy(() -> new MasterClient(old, mc.masterUrl()).heartbeat(hb))
                    .as("a request signed with the retired key").isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.EAUTH))
                    .hasMessageContaining("version 1");

            mc.restartDatanode(0); // it signs with the key it keeps on disk
            mc.waitForLive(2, Duration.ofSeconds(20));
            mc.stopDatanode(1);
            assertThat(get(c, "/after")).as("read from the restarted datanode alone").isEqualTo(after);
            assertThat(get(c, "/before")).isEqualTo(before);
        }
    }

    private static NodeKeyRing ringOnDisk(MiniCluster mc, int i) throws Exception {
        return NodeKeyRing.parse(SecretFile.read(mc.datanodeDir(i).resolve("node.key")), line -> { }, Clock.systemUTC());
    }

    private static byte[] clusterKey(MiniCluster mc, int version) throws Exception {
        for (VersionedKeys.Entry e : VersionedKeys.parse(SecretFile.read(mc.masterDir().resolve(ClusterKey.FILE)))) {
            if (e.version() == version) {
                return e.key();
            }
        }
        throw new AssertionError("no version " + version);
    }

    private static List<String> tokens(Cluster c, String path) throws Exception {
        List<String> out = new ArrayList<>();
        for (ChunkRef r : c.master().layout(c.master().attr(path).inode(), 0, 1000).chunks()) {
            for (Replica p : r.replicas()) {
                out.add(p.token());
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void put(Cluster c, String path, byte[] data) throws Exception {
        var f = c.master().create(path, FileType.FILE, 0644, 0, 0, null, true);
        c.uploader(2).upload(f.inode(), (int) c.master().status().chunkSize(), new ByteArrayInputStream(data), n -> { });
    }

    private static byte[] get(Cluster c, String path) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.downloader(2).download(c.master().attr(path).inode(), out, n -> { });
        return out.toByteArray();
    }
}
