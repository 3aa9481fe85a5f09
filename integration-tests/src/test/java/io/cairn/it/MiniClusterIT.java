package io.cairn.it;

import io.cairn.common.client.Cluster;
import io.cairn.common.wire.NodeInfo;
import io.cairn.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fixture itself: every member reached through its own link, links a test can cut, the master's clock. */
@Timeout(120)
class MiniClusterIT {
    @Test
    void everyDatanodeAdvertisesItsOwnLinkAndTheMasterIsReachedThroughOne() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).start()) {
            for (int i = 0; i < 2; i++) {
                assertThat(mc.datanode(i).url()).isEqualTo(mc.datanodeLink(i).url());
                int port = mc.datanodeLink(i).port();
                assertThat(mc.nodes()).extracting(NodeInfo::address).contains("http://127.0.0.1:" + port);
                assertThat(mc.datanodeMasterLink(i).accepted()).as("datanode %d reaches the master through its link", i)
                        .isPositive();
            }
            assertThat(mc.masterUrl()).isEqualTo(mc.masterLink().url()).isNotEqualTo(mc.master().url());
            assertThat(mc.client().master().status().liveNodes()).isEqualTo(2);
        }
    }

    @Test
    void aBlockedDatanodeIsCutOffBothWaysAndDiesOnlyWhenTheMastersClockSaysSo() throws Exception {
        ManualClock clock = new ManualClock();
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).masterClock(clock).start()) {
            Cluster c = mc.client();
            String url = mc.datanode(0).url();
            assertThat(c.datanodes().status(url, mc.statusToken(0)).nodeId()).isEqualTo(mc.datanode(0).nodeId());

            mc.block(0);
            assertThatThrownBy(() -> c.datanodes().status(url, mc.statusToken(0))).as("nobody reaches it").isInstanceOf(IOException.class);
            assertThat(mc.state(0)).as("silent, but the master's clock has not moved").isEqualTo("live");
            clock.advance(mc.deadAfter().minusMillis(1));
            assertThat(mc.state(0)).isEqualTo("live");
            clock.advance(Duration.ofMillis(2));
            assertThat(mc.state(0)).as("it reaches no master: its heartbeats never arrive").isEqualTo("dead");
            mc.waitForLive(1, Duration.ofSeconds(10));
            assertThat(mc.state(1)).isEqualTo("live");

            mc.unblock(0);
            mc.waitForLive(2, Duration.ofSeconds(10));
            assertThat(c.datanodes().status(url, mc.statusToken(0)).nodeId()).isEqualTo(mc.datanode(0).nodeId());
        }
    }

    @Test
    void blockingTheMasterCutsClientsOffButNotTheDatanodes() throws Exception {
        ManualClock clock = new ManualClock();
        try (MiniCluster mc = MiniCluster.builder().datanodes(1).masterClock(clock).start()) {
            try (Cluster c = new Cluster(mc.masterUrl(), Duration.ofSeconds(5), mc.credentials())) {
                assertThat(c.master().status().liveNodes()).isEqualTo(1);
                mc.blockMaster();
                assertThatThrownBy(() -> c.master().status()).isInstanceOf(IOException.class);
                mc.advancePastDeadAfter(); // the datanode is dead until its next heartbeat, which still arrives
                assertThat(mc.state(0)).isEqualTo("dead");
                mc.waitForLive(1, Duration.ofSeconds(10));
                mc.unblockMaster();
                assertThat(c.master().status().liveNodes()).isEqualTo(1);
            }
        }
    }

    @Test
    void aRequestWhoseReplyIsDroppedWasStillCarriedOut() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(1).start();
             Cluster c = new Cluster(mc.masterUrl(), Duration.ofSeconds(5), mc.credentials())) {
            c.master().status(); // a connection is open
            mc.masterLink().dropNextReply();
            try {
                c.master().mkdir("/made", 0755, 0, 0, false);
            } catch (IOException e) {
                // the reply never came; the client may have sent it again (and been told EEXIST)
            }
            assertThat(mc.masterLink().dropped()).isEqualTo(1);
            assertThat(c.master().attr("/made").type()).isEqualTo(io.cairn.common.wire.FileType.DIR);
        }
    }
}
