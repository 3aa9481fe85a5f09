package io.cairn.master.events;

import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.cluster.ClusterAdmin;
import io.cairn.master.lease.Leases;
import io.cairn.master.membership.Membership;
import io.cairn.master.membership.NodeRegistry;
import io.cairn.master.membership.NodeWatch;
import io.cairn.master.meta.ChunkRow;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.repair.Repair;
import io.cairn.master.repair.SafeMode;
import io.cairn.master.security.ChunkTokenMinter;
import io.cairn.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each code path that tells of something records its kind of event, once, on a manual clock. */
@Timeout(60)
class RecordedKindsTest {
    private static final String N1 = "00000000-0000-0000-0000-000000000001";
    private static final String N2 = "00000000-0000-0000-0000-000000000002";
    private static final String N3 = "00000000-0000-0000-0000-000000000003";
    private static final String CHUNK = "0123456789abcdef0123456789abcdef";
    private static final long C = 1 << 20;
    private static final Duration DEAD_AFTER = Duration.ofSeconds(15);
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    JdbcMetadataStore store;
    NodeRegistry registry;
    Events events;
    Membership members;
    NodeWatch watch;

    @BeforeEach
    void open() throws Exception {
        store = JdbcMetadataStore.sqlite(dir.resolve("meta.db"));
        registry = new NodeRegistry(clock, DEAD_AFTER, C);
        events = new Events(store, clock);
        members = new Membership(store, registry, "cluster-1", clock, Duration.ofMinutes(2), Duration.ofHours(1),
                () -> false, node -> List.of(), new Leases(store, clock, Duration.ofMinutes(10)), 2, events);
        watch = new NodeWatch(registry, store, events, DEAD_AFTER);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void register(String node, long capacity) throws Exception {
        members.register(new Requests.Register(node, "cluster-1", "http://127.0.0.1:6001/" + node.substring(35),
                capacity, 0, 0));
    }

    private void heartbeat(String node) throws Exception {
        members.heartbeat(new Requests.Heartbeat(node, "cluster-1", "http://127.0.0.1:6001/" + node.substring(35),
                1L << 40, 0, 0, null));
    }

    private List<String> kinds() throws Exception {
        return events.after(0, 1000).events().stream().map(Replies.Event::kind).toList();
    }

    private List<Replies.Event> of(String kind) throws Exception {
        return events.after(0, 1000).events().stream().filter(e -> e.kind().equals(kind)).toList();
    }

    @Test
    void aDatanodeIsRegisteredOnceThenDeadThenBack() throws Exception {
        register(N1, 1L << 40);
        register(N1, 1L << 40); // it restarts: not a new member
        watch.check();
        assertThat(kinds()).containsExactly(Events.REGISTERED);
        assertThat(of(Events.REGISTERED).get(0).node()).isEqualTo(N1);

        clock.advance(DEAD_AFTER.plusSeconds(1));
        watch.check();
        watch.check(); // dead is told once
        assertThat(kinds()).containsExactly(Events.REGISTERED, Events.DEAD);
        assertThat(of(Events.DEAD).get(0).node()).isEqualTo(N1);

        heartbeat(N1);
        watch.check();
        watch.check();
        assertThat(kinds()).containsExactly(Events.REGISTERED, Events.DEAD, Events.BACK);
        assertThat(of(Events.BACK).get(0).timeMs()).isEqualTo(clock.millis());
    }

    @Test
    void aNodeKnownFromAnEarlierRunIsNotRegisteredAgainNorDeadBeforeItWasHeardFrom() throws Exception {
        store.write(tx -> {
            tx.upsertNode(N2, "http://127.0.0.1:6002");
            return null;
        });
        members.load();
        watch.check();
        register(N2, 1L << 40);
        watch.check();
        assertThat(kinds()).isEmpty();
    }

    @Test
    void aDatanodeThatCannotTakeAChunkIsFullOnce() throws Exception {
        register(N1, C / 2);
        watch.check();
        watch.check();
        assertThat(kinds()).containsExactly(Events.REGISTERED, Events.FULL);
    }

    @Test
    void aDecommissionIsDrainingAndThenDrainedWhenNoReplicaIsLeft() throws Exception {
        register(N1, 1L << 40);
        store.write(tx -> {
            tx.putChunk(new ChunkRow(10, 0, CHUNK, 100, 100, 7));
            tx.addReplica(CHUNK, N1);
            return null;
        });
        ClusterAdmin admin = new ClusterAdmin(store, registry, null, null,
                new ClusterAdmin.Facts("cluster-1", "test", C, 2, 1), dir, events);
        admin.decommission(N1);
        admin.decommission(N1); // asked again: still one start
        watch.check();
        assertThat(kinds()).containsExactly(Events.REGISTERED, Events.DRAINING);
        store.write(tx -> {
            tx.deleteReplica(CHUNK, N1);
            return null;
        });
        watch.check();
        watch.check();
        assertThat(kinds()).containsExactly(Events.REGISTERED, Events.DRAINING, Events.DRAINED);
        assertThat(of(Events.DRAINED).get(0).node()).isEqualTo(N1);
    }

    @Test
    void aRepairRoundThatOrdersCopiesIsStartedAndTheCopyRecordedIsDoneAndABadReplicaIsCorrupt() throws Exception {
        for (String n : List.of(N1, N2, N3)) {
            register(n, 1L << 40);
            registry.markReported(n);
        }
        store.write(tx -> {
            tx.putChunk(new ChunkRow(10, 0, CHUNK, 100, 100, 7));
            tx.addReplica(CHUNK, N1);
            return null;
        });
        Repair repair = new Repair(store, registry, clock, 2, C, 8, Duration.ofHours(1),
                new SafeMode(registry, clock, Duration.ZERO), ChunkTokenMinter.throwaway(clock), events);
        try {
            repair.runOnce();
            repair.runOnce(); // the order is under way: nothing new
            assertThat(of(Events.REPAIR_STARTED)).singleElement().satisfies(e -> {
                assertThat(e.chunk()).isEqualTo(CHUNK);
                assertThat(e.message()).contains("1 chunk copies ordered");
            });
            assertThat(of(Events.REPAIR_DONE)).isEmpty();
            String target = repair.ordersFor(N2).isEmpty() ? N3 : N2;
            store.write(tx -> { // the copier reported its new replica
                tx.addReplica(CHUNK, target);
                return null;
            });
            repair.runOnce();
            repair.runOnce();
            assertThat(of(Events.REPAIR_DONE)).singleElement().satisfies(e -> assertThat(e.chunk()).isEqualTo(CHUNK));

            repair.reportBad(N1, List.of(CHUNK));
            assertThat(of(Events.CORRUPT)).singleElement().satisfies(e -> {
                assertThat(e.node()).isEqualTo(N1);
                assertThat(e.chunk()).isEqualTo(CHUNK);
                assertThat(e.message()).contains("1 bad replica");
            });
            repair.reportBad(N1, List.of("fedcba9876543210fedcba9876543210")); // not a replica it holds
            assertThat(of(Events.CORRUPT)).hasSize(1);
        } finally {
            repair.close();
        }
    }

    @Test
    void safeModeIsEnteredWhenKnownDatanodesMustReportAndLeftWhenTheyHave() throws Exception {
        registry.remember(N1, "http://127.0.0.1:6001");
        SafeMode safe = new SafeMode(registry, clock, Duration.ofSeconds(30), events);
        safe.enter();
        assertThat(safe.active()).isTrue();
        assertThat(kinds()).containsExactly(Events.SAFE_MODE_ENTERED);
        registry.register(N1, "http://127.0.0.1:6001", 1L << 40, 0, 0, null);
        registry.markReported(N1);
        assertThat(safe.active()).isFalse();
        assertThat(safe.active()).isFalse();
        assertThat(kinds()).containsExactly(Events.SAFE_MODE_ENTERED, Events.SAFE_MODE_LEFT);
    }

    @Test
    void aNewClusterTellsOfNoSafeMode() throws Exception {
        SafeMode safe = new SafeMode(registry, clock, Duration.ofSeconds(30), events);
        safe.enter();
        assertThat(safe.active()).isFalse();
        assertThat(kinds()).isEmpty();
    }
}
