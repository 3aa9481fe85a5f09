package io.cairn.it;

import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.FileType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the master at random moments during a create/rename/unlink/mkdir workload: every
 * acknowledged operation survives the restart, and the operation in flight is all or nothing.
 */
@Timeout(600)
class MasterCrashIT {
    @TempDir
    Path tmp;

    /** What the namespace must hold for one name after the acknowledged operations. */
    private enum State { ABSENT, FILE, DIR }

    /** The master's extra arguments: none here (SQLite in its data directory); {@code --meta} in the subclass. */
    String[] masterArgs() throws Exception {
        return new String[0];
    }

    int defaultRounds() {
        return 20;
    }

    @Test
    void noAcknowledgedOperationIsLostWhenTheMasterIsKilled() throws Exception {
        int rounds = Integer.getInteger("cairn.crash.rounds", defaultRounds());
        Random random = new Random(20261124);
        long acknowledged = 0;
        try (ProcessCluster cluster = new ProcessCluster(tmp.resolve("cluster"), null, 0, masterArgs())) {
            for (int r0 = 0; r0 < rounds; r0++) {
                final int round = r0;
                String dir = "/r" + round;
                Map<String, State> model = new HashMap<>();
                List<String> inFlight = new ArrayList<>();
                AtomicBoolean stop = new AtomicBoolean();
                Http http = new Http(Duration.ofSeconds(5), cluster.credentials());
                MasterClient m = new MasterClient(http, cluster.masterUrl());
                m.mkdir(dir, 0755, 0, 0, true);
                long[] acks = {0};
                Thread workload = new Thread(() -> {
                    Random r = new Random(round * 31L);
                    for (int i = 0; !stop.get(); i++) {
                        String f = dir + "/f" + i;
                        String g = dir + "/g" + i;
                        String d = dir + "/d" + i;
                        try {
                            inFlight.clear();
                            inFlight.add(f);
                            m.create(f, FileType.FILE, 0644, 0, 0, null, true);
                            model.put(f, State.FILE);
                            acks[0]++;
                            inFlight.add(g);
                            m.rename(f, g, false);
                            model.put(f, State.ABSENT);
                            model.put(g, State.FILE);
                            acks[0]++;
                            if (r.nextBoolean()) {
                                inFlight.clear();
                                inFlight.add(g);
                                m.unlink(g);
                                model.put(g, State.ABSENT);
                                acks[0]++;
                            }
                            inFlight.clear();
                            inFlight.add(d);
                            m.mkdir(d, 0755, 0, 0, false);
                            model.put(d, State.DIR);
                            acks[0]++;
                            inFlight.clear();
                        } catch (IOException e) {
                            return; // the master died under this operation: it stays in inFlight
                        }
                    }
                });
                workload.start();
                Thread.sleep(150 + random.nextInt(700));
                cluster.master().kill9();
                stop.set(true);
                workload.join(30_000);
                assertThat(workload.isAlive()).isFalse();
                http.client().dispatcher().executorService().shutdown();
                cluster.crashAndRestartMaster();
                acknowledged += acks[0];

                MasterClient after = new MasterClient(new Http(Duration.ofSeconds(10), cluster.credentials()), cluster.masterUrl());
                for (Map.Entry<String, State> e : model.entrySet()) {
                    if (inFlight.contains(e.getKey())) {
                        continue;
                    }
                    assertThat(stateOf(after, e.getKey())).as("round %d: %s", round, e.getKey()).isEqualTo(e.getValue());
                }
                if (inFlight.size() == 2) { // a rename was in flight: all or nothing
                    State src = stateOf(after, inFlight.get(0));
                    State dst = stateOf(after, inFlight.get(1));
                    assertThat(src == State.FILE ^ dst == State.FILE).as("round %d: rename %s", round, inFlight).isTrue();
                }
            }
        }
        System.out.printf("master crash: %d rounds, %d acknowledged operations, none lost%n", rounds, acknowledged);
        assertThat(acknowledged).isPositive();
    }

    private static State stateOf(MasterClient m, String path) throws IOException {
        try {
            return m.attr(path).isDir() ? State.DIR : State.FILE;
        } catch (CairnException e) {
            if (e.code() == ErrorCode.ENOENT) {
                return State.ABSENT;
            }
            throw e;
        }
    }
}
