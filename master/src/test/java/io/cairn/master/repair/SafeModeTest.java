package io.cairn.master.repair;

import io.cairn.master.membership.NodeRegistry;
import io.cairn.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SafeModeTest {
    static ManualClock clock() {
        return new ManualClock(Instant.parse("2026-11-24T10:00:00Z"));
    }

    @Test
    void aNewClusterHasNoSafeMode() {
        ManualClock clock = clock();
        SafeMode s = new SafeMode(new NodeRegistry(clock, Duration.ofSeconds(15), 1 << 20), clock, Duration.ofSeconds(30));
        assertThat(s.active()).isFalse();
        assertThat(s.status()).isEqualTo("ready");
    }

    @Test
    void safeModeLastsUntilEveryKnownDatanodeHasReported() {
        ManualClock clock = clock();
        NodeRegistry nodes = new NodeRegistry(clock, Duration.ofSeconds(15), 1 << 20);
        nodes.remember("a", "http://a:1");
        nodes.remember("b", "http://b:1");
        SafeMode s = new SafeMode(nodes, clock, Duration.ofSeconds(30));
        assertThat(s.active()).isTrue();
        assertThat(s.status()).contains("waiting for 2 datanode(s)");
        nodes.register("a", "http://a:1", 100, 0, 0, null);
        nodes.markReported("a");
        clock.advance(Duration.ofSeconds(10));
        assertThat(s.active()).isTrue();
        nodes.register("b", "http://b:1", 100, 0, 0, null);
        assertThat(s.active()).as("registered is not enough: it must report").isTrue();
        nodes.markReported("b");
        assertThat(s.active()).isFalse();
    }

    @Test
    void safeModeEndsAfterItsTimeoutEvenIfADatanodeNeverComes() {
        ManualClock clock = clock();
        NodeRegistry nodes = new NodeRegistry(clock, Duration.ofSeconds(15), 1 << 20);
        nodes.remember("gone", "http://gone:1");
        SafeMode s = new SafeMode(nodes, clock, Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(29));
        assertThat(s.active()).isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(s.active()).isFalse();
    }

    @Test
    void aDatanodeIsDeadOnceSilentForDeadAfter() {
        ManualClock clock = clock();
        NodeRegistry nodes = new NodeRegistry(clock, Duration.ofSeconds(15), 1 << 20);
        nodes.register("a", "http://a:1", 100, 0, 0, null);
        clock.advance(Duration.ofSeconds(14));
        assertThat(nodes.isLive("a")).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(nodes.isLive("a")).isFalse();
        assertThat(nodes.heartbeat("a", "http://a:1", 100, 0, 0, null)).isTrue();
        assertThat(nodes.isLive("a")).isTrue();
        assertThat(nodes.heartbeat("unknown", "http://u:1", 100, 0, 0, null)).as("must register first").isFalse();
    }
}
