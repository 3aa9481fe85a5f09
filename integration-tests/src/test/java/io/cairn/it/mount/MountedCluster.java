package io.cairn.it.mount;

import io.cairn.it.MiniCluster;
import io.cairn.it.Shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster of two datanodes (R=2, 1 MiB chunks) with one mount on it, in a temporary directory that
 * every user may pass through (so that tests can act as other users). Closing stops the mount
 * (asserting it exits 0) and the cluster and removes the directory, whatever failed before.
 */
final class MountedCluster implements AutoCloseable {
    final MiniCluster cluster;
    final Mounted mnt;
    final Path work;

    private MountedCluster(MiniCluster cluster, Mounted mnt, Path work) {
        this.cluster = cluster;
        this.mnt = mnt;
        this.work = work;
    }

    static MountedCluster start(String name, Duration attrTimeout) throws Exception {
        Mounted.assumeFuse();
        Path work = Files.createTempDirectory("cairn-" + name + "-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        MiniCluster cluster = null;
        try {
            cluster = MiniCluster.builder().datanodes(2).replication(2).chunkSize(1 << 20).start();
            Mounted mnt = Mounted.at(work.resolve("mnt"), cluster.masterUrl()).attrTimeout(attrTimeout)
                    .javaOpts("-Xmx160m").start();
            return new MountedCluster(cluster, mnt, work);
        } catch (Exception | Error e) {
            new MountedCluster(cluster, null, work).close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try (AutoCloseable m = mnt) {
            if (mnt != null) {
                assertThat(mnt.stop()).as("the mount exits 0 on SIGTERM").isZero();
            }
        } finally {
            try {
                if (cluster != null) {
                    cluster.close();
                }
            } finally {
                if (mnt == null || !Mounted.isMounted(mnt.dir)) {
                    Shell.run(Path.of("/"), "rm -rf " + work);
                }
            }
        }
    }
}
