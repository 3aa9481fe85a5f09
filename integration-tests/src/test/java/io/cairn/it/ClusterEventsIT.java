package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.common.client.Cluster;
import io.cairn.common.json.Json;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replies;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A datanode's life as the cluster's events tell it, read with {@code cairn events --json}: three
 * datanodes register, one is stopped and counted dead, repair copies its chunks elsewhere, and it
 * comes back, in that order.
 */
@Timeout(60)
class ClusterEventsIT {
    private static final int C = 64 << 10;

    /** {@code cairn ARGS... --master=URL --token-file=FILE}, in this JVM, with what it prints. */
    private static CliIT.Run cairn(MiniCluster mc, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--master=" + mc.masterUrl());
        all.add("--token-file=" + mc.adminTokenFile());
        return CliIT.capture(all.toArray(String[]::new));
    }

    /** The events {@code cairn events --json} prints, one JSON object a line. */
    private static List<JsonNode> events(MiniCluster mc) {
        CliIT.Run r = cairn(mc, "events", "--json", "--limit", "1000");
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            if (!line.isBlank()) {
                try {
                    out.add(Json.mapper().readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    private static boolean has(List<JsonNode> events, String kind, String node) {
        return events.stream().anyMatch(e -> e.path("kind").asText().equals(kind)
                && (node == null || e.path("node").asText().equals(node)));
    }

    private static int indexOf(List<JsonNode> events, String kind, String node) {
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            if (e.path("kind").asText().equals(kind) && (node == null || e.path("node").asText().equals(node))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void registeredDeadRepairedAndBackAreListedInThatOrder() throws Exception {
        long t0 = System.nanoTime();
        try (MiniCluster mc = MiniCluster.builder().datanodes(3).replication(2).chunkSize(C)
                .deadAfter(Duration.ofSeconds(1)).heartbeat(Duration.ofMillis(200)).safeModeTimeout(Duration.ofSeconds(3))
                .start()) {
            Cluster c = mc.client();
            byte[] data = new byte[12 * C];
            new Random(7).nextBytes(data);
            Attr f = c.master().create("/f", FileType.FILE, 0644, 0, 0, null, true);
            c.uploader(2).upload(f.inode(), C, new ByteArrayInputStream(data), n -> { });
            String victim = mc.datanode(0).nodeId();

            mc.stopDatanode(0); // its heartbeats stop: dead after 1 s, and its chunks are copied elsewhere
            Eventually.await("dead, a repair round and its copies done", Duration.ofSeconds(30), Duration.ofMillis(200),
                    () -> events(mc), e -> has(e, "node.dead", victim) && has(e, "repair.done", null));
            Replies.FsckReport fsck = c.master().fsck("/");
            assertThat(fsck.underReplicated()).isZero();
            assertThat(fsck.missing()).isZero();

            mc.restartDatanode(0); // it registers again: not a new member, but back
            List<JsonNode> all = Eventually.await("back", Duration.ofSeconds(15), Duration.ofMillis(200),
                    () -> events(mc), e -> has(e, "node.back", victim));

            for (int i = 0; i < 3; i++) {
                String id = mc.datanode(i).nodeId();
                assertThat(all.stream().filter(e -> e.path("kind").asText().equals("node.registered")
                        && e.path("node").asText().equals(id))).as("registered once: %s", id).hasSize(1);
            }
            int lastRegistered = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).path("kind").asText().equals("node.registered")) {
                    lastRegistered = i;
                }
            }
            int dead = indexOf(all, "node.dead", victim);
            int started = indexOf(all, "repair.started", null);
            int done = indexOf(all, "repair.done", null);
            int back = indexOf(all, "node.back", victim);
            assertThat(lastRegistered).isLessThan(dead);
            assertThat(dead).isLessThan(started);
            assertThat(started).isLessThan(done);
            assertThat(done).isLessThan(back);
            assertThat(all.get(started).path("chunk").asText()).matches("[0-9a-f]{32}");
            assertThat(all.get(dead).path("message").asText()).contains(victim).contains("dead");
            long ids = all.stream().mapToLong(e -> e.path("id").asLong()).distinct().count();
            assertThat(ids).as("ids are distinct").isEqualTo(all.size());

            CliIT.Run text = cairn(mc, "events", "--limit", "2");
            assertThat(text.exit()).as(text.err()).isZero();
            String[] lines = text.out().strip().split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[lines.length - 1]).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z  .*");
            assertThat(cairn(mc, "events", "--limit", "0").exit()).isEqualTo(2);
            System.out.print(cairn(mc, "events").out()); // what an operator would see
        }
        System.out.printf("cluster events: the scenario took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
}
