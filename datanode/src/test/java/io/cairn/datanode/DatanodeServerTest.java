package io.cairn.datanode;

import io.cairn.common.tls.ClientTls;
import io.cairn.server.tls.Transport;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cairn.common.client.DatanodeClient;
import io.cairn.common.client.Http;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.common.wire.WireVersion;
import io.cairn.datanode.membership.Membership;
import io.cairn.server.Guard;
import io.cairn.server.HttpServer;
import io.cairn.server.Reply;
import io.cairn.datanode.store.DataDir;
import io.cairn.datanode.testing.FakeMaster;
import io.cairn.datanode.testing.TestKeys;
import io.cairn.testing.RawHttp;
import io.cairn.testing.Eventually;
import io.cairn.testing.ManualClock;
import io.cairn.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class DatanodeServerTest {
    @TempDir
    Path tmp;
    FakeMaster master = new FakeMaster("cluster-1");

    @AfterEach
    void stopMaster() {
        master.close();
    }

    DatanodeConfig config(Path dir) {
        return config(dir, master.url());
    }

    static DatanodeConfig config(Path dir, String masterUrl) {
        return new DatanodeConfig("127.0.0.1", 0, Enrolled.dir(dir), masterUrl, null, Duration.ofMillis(50), 0, 0, Clock.systemUTC());
    }

    @Test
    void portZeroListensOnAFreePortAndTheUrlSaysWhich() throws IOException {
        try (DatanodeServer s = DatanodeServer.start(config(tmp.resolve("dn")))) {
            assertThat(s.port()).isPositive();
            assertThat(s.url()).isEqualTo("http://127.0.0.1:" + s.port());
            assertThat(s.dataDir()).isEqualTo(tmp.resolve("dn").toAbsolutePath());
            assertThat(RawHttp.send(s.port(), "GET", "/healthz", new byte[0]).status()).isEqualTo(200);
        }
    }

    @Test
    void theNodeIdIsKeptAcrossRestarts() throws IOException {
        String first;
        try (DatanodeServer s = DatanodeServer.start(config(tmp.resolve("dn")))) {
            first = s.nodeId();
        }
        try (DatanodeServer s = DatanodeServer.start(config(tmp.resolve("dn")))) {
            assertThat(s.nodeId()).isEqualTo(first);
        }
    }

    @Test
    void aSecondDatanodeOnTheSameDirectoryIsRefused() throws IOException {
        try (DatanodeServer s = DatanodeServer.start(config(tmp.resolve("dn")))) {
            assertThatThrownBy(() -> DatanodeServer.start(config(s.dataDir())))
                    .isInstanceOf(IOException.class).hasMessageContaining("in use");
        }
    }

    @Test
    void aPortInUseFailsTheStartAndLeavesTheDirectoryUnlocked() throws IOException {
        try (DatanodeServer s = DatanodeServer.start(config(tmp.resolve("a")))) {
            DatanodeConfig same = new DatanodeConfig("127.0.0.1", s.port(), Enrolled.dir(tmp.resolve("b")), master.url(), null,
                    Duration.ofMillis(50), 0, 0, Clock.systemUTC());
            assertThatThrownBy(() -> DatanodeServer.start(same)).isInstanceOf(java.net.BindException.class);
            DataDir.open(tmp.resolve("b")).close();
        }
    }

    @Test
    void anAdvertisedUrlIsWhatTheMasterIsTold() throws IOException {
        DatanodeConfig c = new DatanodeConfig("0.0.0.0", 0, Enrolled.dir(tmp.resolve("dn")), master.url(), "http://dn1.example:6000/",
                Duration.ofMillis(50), 0, 0, Clock.systemUTC())
                .withTls(new Transport(null, true), ClientTls.JVM_DEFAULT); // plain HTTP on a wildcard: --insecure-http
        try (DatanodeServer s = DatanodeServer.start(c)) {
            assertThat(s.url()).isEqualTo("http://dn1.example:6000");
            Eventually.await("registered", () -> !master.registers.isEmpty());
            assertThat(master.registers.get(0).address()).isEqualTo("http://dn1.example:6000");
        }
    }

    @Test
    void aWildcardBindWithoutAnAdvertisedUrlIsRefused() {
        assertThatThrownBy(() -> new DatanodeConfig("0.0.0.0", 0, tmp, master.url(), null, Duration.ofSeconds(3), 0, 0,
                Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("advertise");
        assertThatThrownBy(() -> new DatanodeConfig("::", 0, tmp, master.url(), null, Duration.ofSeconds(3), 0, 0,
                Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsListenOnLoopbackAndHeartbeatEveryThreeSeconds() {
        DatanodeConfig c = DatanodeConfig.defaults(6000, tmp, "http://127.0.0.1:5000");
        assertThat(c.bind()).isEqualTo("127.0.0.1");
        assertThat(c.heartbeat()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.capacity()).isZero();
        assertThat(c.reserve()).isZero();
        assertThat(c.advertise()).isNull();
        assertThat(c.advertisedUrl(6000)).isEqualTo("http://127.0.0.1:6000");
    }

    @Test
    void keepsRetryingUntilTheMasterComesUp() throws IOException, InterruptedException {
        int port = master.port();
        master.close();
        // the datanode reaches the master's port through a proxy that counts its attempts
        try (TcpProxy link = TcpProxy.to(port);
             DatanodeServer s = DatanodeServer.start(config(tmp.resolve("dn"), link.url()))) {
            Eventually.await("a few attempts failed meanwhile", () -> link.accepted() >= 3);
            master = new FakeMaster("cluster-1", port);
            Eventually.await("registered once the master is up", () -> !master.registers.isEmpty());
            Eventually.await("heartbeating", () -> !master.heartbeats.isEmpty());
            assertThat(master.registers.get(0).nodeId()).isEqualTo(s.nodeId());
        }
    }

    @Test
    void closeStopsEveryThreadItStartedAndCanBeCalledTwice() throws IOException {
        DatanodeServer s = DatanodeServer.start(config(tmp.resolve("dn")));
        byte[] b = {1, 2, 3};
        Http http = new Http(Duration.ofSeconds(5));
        String id = "0123456789abcdef0123456789abcdef";
        new DatanodeClient(http).put(TestKeys.replica(s, TestKeys.provision(s.dataDir()), id), id, b, b.length,
                DatanodeClient.crc32c(b, 0, b.length));
        http.client().connectionPool().evictAll();
        http.client().dispatcher().executorService().shutdown();
        Eventually.await("heartbeating", () -> !master.heartbeats.isEmpty());
        s.close();
        s.close();
        Eventually.await("the datanode's threads are gone", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("cairn-datanode")));
        assertThatThrownBy(() -> RawHttp.send(s.port(), "GET", "/api/v1/status", new byte[0]))
                .as("nothing listens any more").isInstanceOf(IOException.class);
        DataDir.open(s.dataDir()).close(); // the directory is unlocked
    }

    @Test
    void theNineArgumentConfigHasTheDefaultScrubberAndReport() {
        for (DatanodeConfig c : List.of(config(tmp), DatanodeConfig.defaults(6000, tmp, "http://127.0.0.1:5000"))) {
            assertThat(c.scrubRate()).isEqualTo(32L << 20);
            assertThat(c.scrubInterval()).isEqualTo(Duration.ofHours(1));
            assertThat(c.reportInterval()).isEqualTo(Duration.ofMinutes(10));
        }
        DatanodeConfig c = config(tmp).withScrub(0, Duration.ofMinutes(5)).withReportInterval(Duration.ofSeconds(30));
        assertThat(c.scrubRate()).isZero();
        assertThat(c.scrubInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.reportInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.heartbeat()).isEqualTo(Duration.ofMillis(50));
        assertThat(new DatanodeConfig("127.0.0.1", 1, tmp, "http://m:1", null, Duration.ofSeconds(1), 2, 3, 4,
                Duration.ofSeconds(5), Duration.ofSeconds(6), Clock.systemUTC()))
                .extracting(DatanodeConfig::capacity, DatanodeConfig::reserve, DatanodeConfig::scrubRate,
                        DatanodeConfig::scrubInterval, DatanodeConfig::reportInterval)
                .containsExactly(2L, 3L, 4L, Duration.ofSeconds(5), Duration.ofSeconds(6));
        assertThatThrownBy(() -> config(tmp).withScrub(-1, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config(tmp).withScrub(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config(tmp).withReportInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theScrubberReportsACorruptChunkToTheMasterAndKeepsIt() throws IOException {
        DatanodeConfig c = config(tmp.resolve("dn")).withScrub(1L << 30, Duration.ofMillis(100));
        Http http = new Http(Duration.ofSeconds(5));
        try (DatanodeServer s = DatanodeServer.start(c)) {
            DatanodeClient client = new DatanodeClient(http);
            byte[] key = TestKeys.provision(s.dataDir());
            String good = "0123456789abcdef0123456789abcde0";
            String bad = "0123456789abcdef0123456789abcde1";
            byte[] b = new byte[100_000];
            new java.util.Random(1).nextBytes(b);
            for (String id : List.of(good, bad)) {
                client.put(TestKeys.replica(s, key, id), id, b, b.length, DatanodeClient.crc32c(b, 0, b.length));
            }
            Path file = s.dataDir().resolve("chunks/01/" + bad);
            assertThat(s.dataDir().resolve("chunks/01/" + bad + ".crc")).exists();
            byte[] damaged = b.clone();
            damaged[4321] ^= 0x40;
            Files.write(file, damaged);
            Eventually.await("the bad chunk reported", () -> master.badIds().contains(bad));
            assertThat(master.bad).allSatisfy(r -> assertThat(r.nodeId()).isEqualTo(s.nodeId()));
            assertThat(master.badIds()).doesNotContain(good);
            assertThat(s.scrubbedBad()).isPositive();
            assertThat(file).as("kept until the master orders it deleted").exists();
            master.orderDelete(s.nodeId(), bad);
            Eventually.await("deleted when the master says so", () -> !Files.exists(file)
                    && !Files.exists(s.dataDir().resolve("chunks/01/" + bad + ".crc")));
        } finally {
            http.client().connectionPool().evictAll();
            http.client().dispatcher().executorService().shutdown();
        }
    }

    @Test
    void aBadChunkReportTheMasterRefusedIsSentAgainLater() throws IOException {
        master.refuseBadReports(1);
        ManualClock clock = new ManualClock();
        DatanodeConfig c = new DatanodeConfig("127.0.0.1", 0, Enrolled.dir(tmp.resolve("dn")), master.url(), null,
                Duration.ofMillis(50), 0, 0, 1L << 30, Duration.ofSeconds(1), DatanodeConfig.DEFAULT_REPORT_INTERVAL,
                clock);
        String id = "ab".repeat(16);
        try (DatanodeServer s = DatanodeServer.start(c)) {
            Path file = s.dataDir().resolve("chunks/ab/" + id);
            Files.createDirectories(file.getParent());
            Files.write(file, new byte[] {1, 2, 3}); // bytes that do not match the checksum recorded for them
            Files.writeString(s.dataDir().resolve("chunks/ab/" + id + ".crc"), "size=3 crc32c=1\n");
            Eventually.await("heartbeating", () -> !master.heartbeats.isEmpty());
            clock.advance(Duration.ofSeconds(1));
            Eventually.await("the first report refused", () -> !master.refusedBad.isEmpty());
            assertThat(master.bad).isEmpty();
            clock.advance(Duration.ofSeconds(10));
            Eventually.await("reported again", () -> master.badIds().contains(id));
            assertThat(file).exists();
        }
    }

    @Test
    void aMasterOfAnotherWireVersionIsLoggedInOneLineAndRegistrationGoesOn() throws Exception {
        int other = WireVersion.CURRENT + 1;
        // a master that speaks the next wire version (its routes are never reached)
        HttpServer newer = HttpServer.builder("master").wireVersion(other)
                .group("nodes", Guard.OPEN, r -> r.post("/api/v1/nodes/register", Requests.Register.class,
                        (ctx, b) -> Reply.json(ctx, new Replies.Registered("cluster-1", b.nodeId()))))
                .start("127.0.0.1", 0);
        int port = newer.port();
        master.close();
        Logger log = (Logger) LoggerFactory.getLogger(Membership.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try (DatanodeServer s = DatanodeServer.start(config(tmp.resolve("dn"), "http://127.0.0.1:" + port))) {
            String line = "this master speaks Cairn wire version " + other + ", the caller speaks "
                    + WireVersion.CURRENT + ": run the same Cairn version on every part";
            Eventually.await("the refusal logged", () -> seen.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains(line)));
            newer.close();
            master = new FakeMaster("cluster-1", port); // the same version, where the other one was
            Eventually.await("registered once the master speaks its version", () -> !master.registers.isEmpty());
            assertThat(master.registers.get(0).nodeId()).isEqualTo(s.nodeId());
        } finally {
            log.detachAppender(seen);
            newer.close();
        }
    }
}
