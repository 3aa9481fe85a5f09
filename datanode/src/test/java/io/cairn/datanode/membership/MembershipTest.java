package io.cairn.datanode.membership;

import io.cairn.datanode.Enrolled;
import io.cairn.common.client.DatanodeClient;
import io.cairn.common.client.Http;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.datanode.DatanodeConfig;
import io.cairn.datanode.DatanodeServer;
import io.cairn.datanode.testing.FakeMaster;
import io.cairn.datanode.testing.TestKeys;
import io.cairn.testing.Eventually;
import io.cairn.testing.ManualClock;
import io.cairn.testing.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class MembershipTest {
    static final Duration HEARTBEAT = Duration.ofMillis(50);

    @TempDir
    Path tmp;
    FakeMaster master;
    Http http;
    DatanodeClient client;
    final List<DatanodeServer> servers = new ArrayList<>();

    /** The name of the thread a datanode's membership loop runs on. */
    static final String LOOP = "cairn-datanode-membership";
    /** Membership loops alive before the test started (none, unless an earlier test leaked one). */
    Set<Thread> earlierLoops;
    final Map<Path, byte[]> keys = new HashMap<>();

    @BeforeEach
    void setUp() {
        earlierLoops = new HashSet<>(Threads.named(LOOP));
        master = new FakeMaster("cluster-1");
        http = new Http(Duration.ofSeconds(10));
        client = new DatanodeClient(http);
    }

    @AfterEach
    void tearDown() {
        servers.forEach(DatanodeServer::close);
        master.close();
        http.client().dispatcher().executorService().shutdown();
        http.client().connectionPool().evictAll();
    }

    DatanodeServer start(String name) throws IOException {
        DatanodeServer s = DatanodeServer.start(new DatanodeConfig("127.0.0.1", 0, Enrolled.dir(tmp.resolve(name)), master.url(),
                null, HEARTBEAT, 0, 0, Clock.systemUTC()));
        servers.add(s);
        return s;
    }

    /** The membership loops this test started that are still running. */
    List<Thread> loops() {
        List<Thread> mine = new ArrayList<>(Threads.named(LOOP));
        mine.removeAll(earlierLoops);
        return mine;
    }

    static String id(int i) {
        return String.format("%032x", i);
    }

    /** The key of the datanode of {@code s}, given to it on first use. */
    byte[] key(DatanodeServer s) throws IOException {
        byte[] k = keys.get(s.dataDir());
        if (k == null) {
            k = TestKeys.provision(s.dataDir());
            keys.put(s.dataDir(), k);
        }
        return k;
    }

    Replica at(DatanodeServer s, String id) throws IOException {
        return TestKeys.replica(s, key(s), id);
    }

    Replies.DatanodeStatus status(DatanodeServer s) throws IOException {
        return client.status(s.url(), TestKeys.status(key(s), s.nodeId()));
    }

    byte[] put(DatanodeServer s, String id, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        client.put(at(s, id), id, b, b.length, DatanodeClient.crc32c(b, 0, b.length));
        return b;
    }

    /** Writes chunk files straight into a data directory, as if an earlier run had stored them. */
    static void plantChunks(Path data, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            String id = id(i + 1);
            Path f = data.resolve("chunks").resolve(id.substring(0, 2)).resolve(id);
            Files.createDirectories(f.getParent());
            Files.write(f, new byte[] {(byte) i});
        }
    }

    @Test
    void registersWithItsIdAddressAndUsageAndKeepsTheClusterId() throws IOException {
        DatanodeServer s = start("dn");
        Eventually.await("registered", () -> !master.registers.isEmpty());
        Requests.Register r = master.registers.get(0);
        assertThat(r.nodeId()).isEqualTo(s.nodeId());
        assertThat(r.clusterId()).isNull();
        assertThat(r.address()).isEqualTo(s.url());
        assertThat(r.capacity()).isPositive();
        assertThat(r.available()).isPositive();
        Eventually.await("cluster id written", () -> Files.exists(s.dataDir().resolve("cluster-id")));
        assertThat(Files.readString(s.dataDir().resolve("cluster-id")).trim()).isEqualTo("cluster-1");
        // the file is durable before the datanode takes the id as its own: wait for that, too
        Eventually.await("cluster id in the status", java.time.Duration.ofSeconds(10),
                () -> status(s).clusterId(), "cluster-1"::equals);
    }

    @Test
    void reportsEveryChunkInBatchesOfTenThousandEndingWithLast() throws IOException {
        plantChunks(tmp.resolve("dn"), 10_001);
        DatanodeServer s = start("dn");
        Eventually.await("the report ended", () -> master.reports.stream().anyMatch(Requests.ChunkReport::last));
        assertThat(master.reports).hasSize(2);
        assertThat(master.reports.get(0).chunkIds()).hasSize(10_000);
        assertThat(master.reports.get(0).last()).isFalse();
        assertThat(master.reports.get(1).chunkIds()).hasSize(1);
        Set<String> expected = new HashSet<>();
        for (int i = 1; i <= 10_001; i++) {
            expected.add(id(i));
        }
        assertThat(new HashSet<>(master.reportedIds())).isEqualTo(expected);
        assertThat(master.reports).allSatisfy(r -> {
            assertThat(r.nodeId()).isEqualTo(s.nodeId());
            assertThat(r.clusterId()).isEqualTo("cluster-1");
        });
        assertThat(master.registers.get(0).chunks()).isEqualTo(10_001);
    }

    @Test
    void anEmptyStoreSendsOneEmptyLastReport() {
        assertThat(master.reports).isEmpty();
        try {
            start("dn");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Eventually.await("reported", () -> !master.reports.isEmpty());
        Eventually.await("heartbeating", () -> !master.heartbeats.isEmpty());
        assertThat(master.reports).singleElement().satisfies(r -> {
            assertThat(r.chunkIds()).isEmpty();
            assertThat(r.last()).isTrue();
        });
    }

    @Test
    void aFullReportAsksForAGenerationFirstAndSendsEveryPartUnderIt() throws IOException {
        plantChunks(tmp.resolve("dn"), 3);
        DatanodeServer s = start("dn");
        Eventually.await("the report ended", () -> master.reports.stream().anyMatch(Requests.ChunkReport::last));
        assertThat(master.begun).singleElement().satisfies(r -> {
            assertThat(r.isFull()).isTrue();
            assertThat(r.generation()).isNull();
            assertThat(r.chunkIds()).as("listed only once the generation is known").isEmpty();
            assertThat(r.nodeId()).isEqualTo(s.nodeId());
        });
        assertThat(master.reports).singleElement().satisfies(r -> {
            assertThat(r.isFull()).isTrue();
            assertThat(r.generation()).isEqualTo(master.generation());
            assertThat(r.chunkIds()).containsExactlyInAnyOrder(id(1), id(2), id(3));
        });
    }

    @Test
    void aReportPartTheMasterFindsOvertakenStartsTheReportOver() throws IOException {
        plantChunks(tmp.resolve("dn"), 2);
        master.refuseReportsAsStale(1);
        start("dn");
        Eventually.await("a report ended", () -> master.reports.stream().anyMatch(Requests.ChunkReport::last));
        assertThat(master.begun).as("begun again after the refusal").hasSize(2);
        assertThat(master.reports).singleElement().satisfies(r -> {
            assertThat(r.generation()).isEqualTo(2);
            assertThat(r.chunkIds()).containsExactlyInAnyOrder(id(1), id(2));
        });
    }

    @Test
    void deletionsTheMasterOrderedAreConfirmedInTheNextHeartbeatOnce() throws IOException {
        DatanodeServer s = start("dn");
        put(s, id(1), "one");
        master.orderDelete(s.nodeId(), id(1));
        Eventually.await("the deletion is confirmed", () -> master.heartbeats.stream()
                .anyMatch(h -> h.deleted() != null && h.deleted().contains(id(1))));
        assertThat(s.dataDir().resolve("chunks/00/" + id(1))).doesNotExist();
        int confirmedIn = 0;
        for (int i = 0; i < master.heartbeats.size(); i++) {
            if (master.heartbeats.get(i).deleted() != null && master.heartbeats.get(i).deleted().contains(id(1))) {
                confirmedIn = i;
                break;
            }
        }
        int after = confirmedIn;
        Eventually.await("a heartbeat after the confirming one", () -> master.heartbeats.size() > after + 1);
        assertThat(master.heartbeats.subList(after + 1, master.heartbeats.size()))
                .as("confirmed once").allSatisfy(h -> assertThat(h.deleted()).isEmpty());
    }

    @Test
    void heartbeatsCarryUsageAfterTheReport() throws IOException {
        DatanodeServer s = start("dn");
        put(s, id(7), "seven");
        Eventually.await("a heartbeat with the new chunk", () -> master.heartbeats.stream().anyMatch(h -> h.chunks() == 1));
        Requests.Heartbeat h = master.heartbeats.stream().filter(x -> x.chunks() == 1).findFirst().orElseThrow();
        assertThat(h.nodeId()).isEqualTo(s.nodeId());
        assertThat(h.clusterId()).isEqualTo("cluster-1");
        assertThat(h.address()).isEqualTo(s.url());
        assertThat(h.used()).isEqualTo(5);
        assertThat(h.capacity()).isPositive();
        Eventually.await("more heartbeats", () -> master.heartbeats.size() >= 3);
    }

    @Test
    void deletesTheChunksAHeartbeatReplyNames() throws IOException {
        DatanodeServer s = start("dn");
        put(s, id(1), "one");
        put(s, id(2), "two");
        master.orderDelete(s.nodeId(), id(1), "../../etc/passwd", id(99));
        Eventually.await("chunk 1 deleted", () -> !Files.exists(s.dataDir().resolve("chunks/00/" + id(1))));
        assertThat(s.dataDir().resolve("chunks/00/" + id(2))).exists();
        // the file goes first, then the count (a status between the two still counts it)
        Eventually.await("chunk 1 no longer counted", java.time.Duration.ofSeconds(10),
                () -> status(s).chunks(), n -> n == 1);
        Replies.DatanodeStatus status = status(s);
        assertThat(status.chunks()).isEqualTo(1);
        assertThat(status.used()).isEqualTo(3);
    }

    @Test
    void registersAndReportsAgainWhenTheMasterForgetsIt() throws IOException {
        DatanodeServer s = start("dn");
        put(s, id(5), "five");
        Eventually.await("heartbeating", () -> !master.heartbeats.isEmpty());
        master.forgetNodes();
        Eventually.await("registered again", () -> master.registers.size() >= 2);
        Eventually.await("reported again", () -> master.reportedIds().contains(id(5)));
        assertThat(master.registers.get(1).clusterId()).isEqualTo("cluster-1");
        assertThat(master.registers.get(1).chunks()).isEqualTo(1);
        int beats = master.heartbeats.size();
        Eventually.await("heartbeating again", () -> master.heartbeats.size() > beats + 2);
    }

    @Test
    void refusesAMasterOfAnotherClusterAndKeepsItsChunks() throws IOException {
        Path data = tmp.resolve("dn");
        plantChunks(data, 3);
        Files.writeString(data.resolve("cluster-id"), "cluster-0\n");
        DatanodeServer s = start("dn");
        Eventually.await("registered", () -> !master.registers.isEmpty());
        assertThat(master.registers.get(0).clusterId()).isEqualTo("cluster-0");
        // refusing is final: the loop ends, so nothing more can be sent
        Eventually.await("the membership loop has ended", () -> loops().isEmpty());
        assertThat(master.registers).hasSize(1);
        assertThat(master.reports).isEmpty();
        assertThat(master.heartbeats).isEmpty();
        assertThat(Files.readString(data.resolve("cluster-id")).trim()).isEqualTo("cluster-0");
        assertThat(status(s).chunks()).isEqualTo(3);
    }

    @Test
    void keepsAskingAMasterThatRefusesItsCluster() throws IOException, InterruptedException {
        master.refuseRegistrations(ErrorCode.ECLUSTER, "datanode belongs to cluster x, this master is cluster-1");
        DatanodeServer s = start("dn");
        Eventually.await("registration tried", () -> !master.registers.isEmpty());
        Eventually.await("the loop waits after the refusal", () -> loops().size() == 1
                && Threads.waitingUnder(loops().get(0), Membership.class, "failed"));
        // the retry is paced by real time (every 10 s): only real time can show it is not sooner
        Thread.sleep(10 * HEARTBEAT.toMillis());
        assertThat(master.registers).hasSize(1); // retried slowly, every 10 s
        assertThat(master.reports).isEmpty();
        assertThat(s.dataDir().resolve("cluster-id")).doesNotExist();
    }

    @Test
    void copiesAChunkFromAnotherDatanodeWhenTheMasterSaysSo() throws IOException {
        DatanodeServer source = start("a");
        DatanodeServer target = start("b");
        byte[] b = put(source, id(42), "a chunk to copy");
        Eventually.await("both heartbeating", () -> master.heartbeats.stream().map(Requests.Heartbeat::nodeId)
                .distinct().count() == 2);
        master.orderCopy(target.nodeId(), new Replies.ReplicateOrder(id(42), b.length, DatanodeClient.crc32c(b, 0, b.length),
                List.of("http://127.0.0.1:1", source.url()), Arrays.asList(null, readToken(source, id(42)))));
        Eventually.await("copied", () -> Files.exists(target.dataDir().resolve("chunks/00/" + id(42))));
        assertThat(client.get(at(target, id(42)), id(42), b.length, DatanodeClient.crc32c(b, 0, b.length))).isEqualTo(b);
        Eventually.await("reported", () -> master.reports.stream()
                .anyMatch(r -> r.nodeId().equals(target.nodeId()) && r.chunkIds().contains(id(42)) && !r.last()));
    }

    @Test
    void aCopyWhoseBytesDoNotMatchTheOrderIsNotKept() throws IOException {
        DatanodeServer source = start("a");
        DatanodeServer target = start("b");
        byte[] b = put(source, id(43), "the real bytes");
        Eventually.await("both heartbeating", () -> master.heartbeats.stream().map(Requests.Heartbeat::nodeId)
                .distinct().count() == 2);
        byte[] good = put(source, id(44), "a copy that matches");
        master.orderCopy(target.nodeId(), new Replies.ReplicateOrder(id(43), b.length, 12345, List.of(source.url()),
                List.of(readToken(source, id(43)))));
        // copies run one at a time, in order: once the next one is done, the bad one has been tried
        master.orderCopy(target.nodeId(), new Replies.ReplicateOrder(id(44), good.length,
                DatanodeClient.crc32c(good, 0, good.length), List.of(source.url()), List.of(readToken(source, id(44)))));
        Eventually.await("the copy ordered after it is reported", () -> master.reports.stream()
                .anyMatch(r -> r.nodeId().equals(target.nodeId()) && r.chunkIds().contains(id(44))));
        assertThat(target.dataDir().resolve("chunks/00/" + id(43))).doesNotExist();
        assertThat(master.reportedIds()).doesNotContain(id(43));
    }

    String readToken(DatanodeServer source, String chunkId) throws IOException {
        return TestKeys.token(key(source), source.nodeId(), chunkId, "r");
    }

    @Test
    void aCopyOrderWithoutAReadTokenForItsSourceCopiesNothing() throws IOException {
        DatanodeServer source = start("a");
        DatanodeServer target = start("b");
        byte[] b = put(source, id(45), "not to be copied without a token");
        byte[] c = put(source, id(46), "copied with one");
        long crcB = DatanodeClient.crc32c(b, 0, b.length);
        Eventually.await("both heartbeating", () -> master.heartbeats.stream().map(Requests.Heartbeat::nodeId)
                .distinct().count() == 2);
        master.orderCopy(target.nodeId(), new Replies.ReplicateOrder(id(45), b.length, crcB, List.of(source.url())));
        master.orderCopy(target.nodeId(), new Replies.ReplicateOrder(id(45), b.length, crcB, List.of(source.url()),
                List.of(TestKeys.token(key(source), source.nodeId(), id(46), "r")))); // another chunk's token
        master.orderCopy(target.nodeId(), new Replies.ReplicateOrder(id(46), c.length,
                DatanodeClient.crc32c(c, 0, c.length), List.of(source.url()), List.of(readToken(source, id(46)))));
        // copies run one at a time, in order: once the last one is reported, the others have been tried
        Eventually.await("the copy with a token is reported", () -> master.reports.stream()
                .anyMatch(r -> r.nodeId().equals(target.nodeId()) && r.chunkIds().contains(id(46))));
        assertThat(target.dataDir().resolve("chunks/00/" + id(45))).doesNotExist();
        assertThat(master.reports.stream().filter(r -> r.nodeId().equals(target.nodeId()))
                .flatMap(r -> r.chunkIds().stream())).doesNotContain(id(45));
    }

    @Test
    void stopsHeartbeatingWhenClosed() throws IOException {
        DatanodeServer s = start("dn");
        Eventually.await("heartbeating", () -> !master.heartbeats.isEmpty());
        s.close();
        int beats = master.heartbeats.size();
        Eventually.await("the membership loop has ended", () -> loops().isEmpty());
        assertThat(master.heartbeats).hasSize(beats);
    }

    @Test
    void resendsTheFullReportEveryReportInterval() throws IOException {
        DatanodeServer s = DatanodeServer.start(new DatanodeConfig("127.0.0.1", 0, Enrolled.dir(tmp.resolve("dn")), master.url(),
                null, HEARTBEAT, 0, 0, Clock.systemUTC()).withReportInterval(Duration.ofMillis(200)));
        servers.add(s);
        put(s, id(9), "written, never committed");
        Eventually.await("two full reports with the chunk", () -> master.reports.stream()
                .filter(r -> r.last() && r.chunkIds().contains(id(9))).count() >= 2);
        assertThat(master.registers).as("no new registration for it").hasSize(1);
        assertThat(master.reports).allSatisfy(r -> assertThat(r.nodeId()).isEqualTo(s.nodeId()));
    }

    @Test
    void theClockDecidesWhenTheReportIsSentAgain() throws IOException {
        ManualClock clock = new ManualClock();
        plantChunks(tmp.resolve("dn"), 3);
        DatanodeServer s = DatanodeServer.start(new DatanodeConfig("127.0.0.1", 0, Enrolled.dir(tmp.resolve("dn")), master.url(),
                null, HEARTBEAT, 0, 0, clock));
        servers.add(s);
        Eventually.await("heartbeating", () -> master.heartbeats.size() >= 5);
        assertThat(master.reports).singleElement().satisfies(r -> assertThat(r.last()).isTrue());
        clock.advance(DatanodeConfig.DEFAULT_REPORT_INTERVAL);
        Eventually.await("reported again", () -> master.reports.size() == 2);
        assertThat(master.reports.get(1).chunkIds()).containsExactlyInAnyOrder(id(1), id(2), id(3));
        assertThat(master.reports.get(1).last()).isTrue();
        int beats = master.heartbeats.size();
        Eventually.await("heartbeating again", () -> master.heartbeats.size() > beats + 3);
        assertThat(master.reports).hasSize(2);
    }
}
