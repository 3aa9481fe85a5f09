package io.cairn.master.events;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.Replies;
import io.cairn.master.meta.JdbcMetadataStore;
import io.cairn.master.meta.TestStores;
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
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The events table: what is recorded comes back in order, pages, stays bounded, and a failure never
 * throws; on SQLite here, on PostgreSQL in {@link PostgresEventsTest}.
 */
@Timeout(60)
class EventsTest {
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    TestStores.Opened opened;
    JdbcMetadataStore store;

    /** The engine under test: SQLite here, PostgreSQL in the subclass. */
    TestStores.Engine engine() {
        return TestStores.Engine.SQLITE;
    }

    @BeforeEach
    void open() throws Exception {
        opened = TestStores.open(engine(), dir);
        store = opened.store();
    }

    @AfterEach
    void close() {
        if (opened != null) {
            opened.close();
        }
    }

    @Test
    void recordedEventsComeBackOldestFirstWithEveryFieldAndRecentGivesTheNewestFirst() throws Exception {
        Events events = new Events(store, clock);
        events.record(Events.DEAD, "n1", null, "datanode n1 is dead");
        clock.advance(Duration.ofSeconds(1));
        events.record(Events.CORRUPT, "n2", "0123456789abcdef0123456789abcdef", "bad\nreplica");
        clock.advance(Duration.ofSeconds(1));
        events.record(Events.SAFE_MODE_LEFT, null, null, "safe mode left");

        List<Replies.Event> all = events.after(0, 100).events();
        assertThat(all).extracting(Replies.Event::kind)
                .containsExactly(Events.DEAD, Events.CORRUPT, Events.SAFE_MODE_LEFT);
        Replies.Event corrupt = all.get(1);
        assertThat(corrupt.timeMs()).isEqualTo(Instant.parse("2026-12-01T10:00:01Z").toEpochMilli());
        assertThat(corrupt.node()).isEqualTo("n2");
        assertThat(corrupt.chunk()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(corrupt.message()).as("one line").isEqualTo("bad replica");
        assertThat(all.get(0).chunk()).isNull();
        assertThat(all.get(2).node()).isNull();
        assertThat(all.get(0).id()).isLessThan(all.get(1).id()).isLessThan(all.get(2).id());

        assertThat(events.after(all.get(0).id(), 1).events()).containsExactly(all.get(1));
        assertThat(events.after(all.get(2).id(), 100).events()).isEmpty();
        assertThat(events.recent(2)).containsExactly(all.get(2), all.get(1));
        assertThat(events.recent(0)).isEmpty();
    }

    @Test
    void theTableKeepsAtMostTheNewestRowsPlusOneTrimInterval() throws Exception {
        Events events = new Events(store, clock, 50, 10);
        for (int i = 0; i < 1234; i++) {
            events.record(Events.FULL, "n", null, "event " + i);
        }
        List<Replies.Event> kept = events.after(0, 1000).events();
        assertThat(kept.size()).isBetween(50, 60);
        assertThat(kept.get(kept.size() - 1).message()).isEqualTo("event 1233");
        assertThat(kept.get(0).message()).isEqualTo("event " + (1234 - kept.size()));
    }

    @Test
    void aPageAsksForANonNegativeIdAndOneToAThousandEvents() {
        Events events = new Events(store, clock);
        assertThatThrownBy(() -> events.after(-1, 10)).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL));
        assertThatThrownBy(() -> events.after(0, 0)).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL));
        assertThatThrownBy(() -> events.after(0, Events.MAX_PAGE + 1)).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.EINVAL));
    }

    @Test
    void recordingOnABrokenStoreLogsAndReturns() {
        Events events = new Events(store, clock);
        store.close(); // every write now fails
        assertThatCode(() -> events.record(Events.DEAD, "n1", null, "lost")).doesNotThrowAnyException();
    }
}
