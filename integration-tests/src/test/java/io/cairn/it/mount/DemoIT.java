package io.cairn.it.mount;

import io.cairn.it.Proc;
import io.cairn.it.Shell;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `cairn demo`: the original testing phase in one command, on ports 5000, 6000, 7000 and 8000. */
@Timeout(300)
class DemoIT {
    @TempDir
    Path tmp;

    private Proc demo(String name) throws Exception {
        return Proc.start(tmp.resolve("logs"), name, Map.of(), "demo", "--dir", tmp.resolve("data").toString(),
                "--mount", tmp.resolve("mnt").toString());
    }

    /**
     * Listens on 127.0.0.1:{@code port} once nothing else holds it. libfuse's fusermount helper
     * (auto_unmount) inherits the demo's listening sockets and exits a moment after the mount is
     * gone: this waits for that, with a deadline, rather than for a fixed time.
     */
    private static ServerSocket take(int port) {
        return Eventually.await("port " + port + " is free", Duration.ofSeconds(10), Duration.ofMillis(50),
                () -> new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1")), s -> true);
    }

    @Test
    void theDemoMountsACluster_ctrlCStopsEverything_andTheDataIsThereNextTime() throws Exception {
        Mounted.assumeFuse();
        Path mnt = tmp.resolve("mnt");
        try (Proc first = demo("demo1")) {
            first.awaitStderr("(mounted on)", Duration.ofSeconds(90));
            Shell.Result cp = Shell.run(mnt, "cp /etc/services . && head -c 100 services && ls -l");
            assertThat(cp.exit()).as(cp.err()).isZero();
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Shell.Result other = Shell.run(mnt, "setpriv --reuid=nobody --regid=nogroup --clear-groups"
                    + " bash -c 'ls -l services && cmp services /etc/services && echo read-by-nobody'");
            assertThat(other.out()).as("every local user can use the demo's mount: %s", other.err()).contains("read-by-nobody");
            Path data = tmp.resolve("data");
            Proc.Result stranger = Proc.run(tmp.resolve("logs"), Map.of(), Duration.ofSeconds(60), "nodes", "--json");
            assertThat(stranger.exit()).as("security is on in the demo").isNotZero();
            assertThat(stranger.stderr()).contains("no credentials");
            Proc.Result nodes = Proc.run(tmp.resolve("logs"), Map.of("CAIRN_TOKEN_FILE",
                    data.resolve("client.token").toString()), Duration.ofSeconds(60), "nodes", "--json");
            assertThat(nodes.stdout().split("\"live\"", -1)).as(nodes.stderr()).hasSize(4);
            for (Path secret : new Path[] {data.resolve("master/cluster.key"), data.resolve("master/admin.token"),
                    data.resolve("client.token"), data.resolve("datanode-6000/node.key")}) {
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
                        .as(secret.toString()).isEqualTo("rw-------");
            }
            assertThat(first.stdout() + first.stderr()).as("no secret is printed").doesNotContain(Files.readString(data.resolve("client.token")).trim())
                    .doesNotContain(Files.readString(data.resolve("master/admin.token")).trim());
            assertThat(first.terminate(Duration.ofSeconds(60))).as("Ctrl-C/SIGTERM exits 0").isZero();
        } finally {
            Mounted.forceUnmount(mnt);
        }
        assertThat(Mounted.isMounted(mnt)).isFalse();
        for (int port : new int[] {5000, 6000, 7000, 8000}) {
            try (ServerSocket s = take(port)) {
                assertThat(s.isBound()).as("port %d is free again", port).isTrue();
            }
        }
        try (Proc second = demo("demo2")) {
            second.awaitStderr("(mounted on)", Duration.ofSeconds(90));
            assertThat(Files.mismatch(mnt.resolve("services"), Path.of("/etc/services"))).as("kept across runs").isEqualTo(-1);
            assertThat(second.terminate(Duration.ofSeconds(60))).isZero();
        } finally {
            Mounted.forceUnmount(mnt);
        }
    }

    @Test
    void aTakenPortGivesOneClearLineAndStartsNothing() throws Exception {
        try (ServerSocket taken = take(7000)) {
            Proc.Result r = Proc.run(tmp.resolve("logs"), Map.of(), Duration.ofSeconds(120), "demo", "--dir",
                    tmp.resolve("data").toString(), "--mount", tmp.resolve("mnt").toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.stderr()).contains("port 7000 is taken");
            assertThat(Files.exists(tmp.resolve("data"))).as("nothing half-started").isFalse();
        }
    }
}
