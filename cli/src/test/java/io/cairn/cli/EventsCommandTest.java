package io.cairn.cli;

import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cairn events --follow} prints the events there are, then new ones as they come, until interrupted. */
@Timeout(60)
class EventsCommandTest {
    @TempDir
    Path dir;

    @Test
    void followPrintsNewEventsAsTheyComeAndStopsWhenInterrupted() throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (MasterServer master = MasterServer.start(MasterConfig.defaults(dir).withPort(0))) {
            master.events().record("node.dead", "n1", null, "datanode n1 is dead");
            AtomicInteger exit = new AtomicInteger(-1);
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            // cairn events --follow --json
            Thread follower = new Thread(() -> exit.set(Main.run("events", "--follow", "--json", "--master", master.url(),
                    "--token-file", master.adminTokenFile().toString(), "--timeout", "5s")));
            follower.start();
            Eventually.await("the event there was", Duration.ofSeconds(10),
                    () -> captured.toString(StandardCharsets.UTF_8).contains("node.dead"));
            master.events().record("node.back", "n1", null, "datanode n1 is live again");
            Eventually.await("the new event", Duration.ofSeconds(10),
                    () -> captured.toString(StandardCharsets.UTF_8).contains("node.back"));
            follower.interrupt();
            follower.join(10_000);
            assertThat(follower.isAlive()).isFalse();
            assertThat(exit.get()).isZero();
        } finally {
            System.setOut(out);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("{").contains("\"kind\":\"node.dead\"").contains("\"node\":\"n1\"");
        assertThat(lines[1]).contains("\"kind\":\"node.back\"");
    }
}
