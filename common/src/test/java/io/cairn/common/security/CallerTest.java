package io.cairn.common.security;

import io.cairn.common.error.CairnException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The X-Cairn-As header both ways, its limits, and the caller a thread acts as. */
class CallerTest {
    @Test
    void aCallerTravelsAsUidGidAndGroups() throws Exception {
        Caller c = new Caller(1500, 1500, List.of(1700, 1800));
        assertThat(c.header()).isEqualTo("1500:1500:1700,1800");
        assertThat(Caller.parse(c.header())).isEqualTo(c);
        assertThat(Caller.parse("0:0")).isEqualTo(new Caller(0, 0, List.of()));
        assertThat(Caller.parse("1:2:")).isEqualTo(new Caller(1, 2, List.of()));
        assertThat(new Caller(1, 2, List.of()).header()).isEqualTo("1:2");
    }

    @Test
    void aMalformedOrOversizedHeaderIsEinval() {
        for (String bad : new String[] {"", "1", "1:", "-1:0", "a:b", "1:2:3,", "1:2:3:4", "1 :2", "4294967296:0",
            "1:2:" + String.join(",", Collections.nCopies(65, "7"))}) {
            assertThatThrownBy(() -> Caller.parse(bad)).as(bad).isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).code().name()).isEqualTo("EINVAL");
        }
        assertThatThrownBy(() -> Caller.parse("9".repeat(10_000))).isInstanceOf(CairnException.class);
    }

    @Test
    void aThreadActsAsTheCallerSetOnItAndTasksCarryIt() throws Exception {
        Caller c = new Caller(1500, 1500, List.of());
        Caller[] seen = new Caller[1];
        Runnable task = Caller.as(c, () -> Caller.carried(() -> seen[0] = Caller.current()));
        assertThat(Caller.current()).isEqualTo(Caller.process());
        Thread t = new Thread(task);
        t.start();
        t.join(5_000);
        assertThat(seen[0]).isEqualTo(c);
    }

    @Test
    void theEffectiveIdsAndGroupsComeFromProcStatus(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tx\nUid:\t1000\t1500\t1500\t1500\nGid:\t100\t200\t200\t200\nGroups:\t4 24 27 \n");
        assertThat(Caller.ofStatus(status)).isEqualTo(new Caller(1500, 200, List.of(4, 24, 27)));
        assertThat(Caller.ofStatus(dir.resolve("gone"))).isNull();
    }
}
