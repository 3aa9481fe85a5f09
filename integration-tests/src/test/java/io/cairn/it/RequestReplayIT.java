package io.cairn.it;

import io.cairn.common.client.Cluster;
import io.cairn.common.client.FileChunks;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.DirEntry;
import io.cairn.common.wire.FileType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change the master made whose answer never reached the client (the connection is reset as the
 * answer starts coming back) is sent again with the same request id and answered with the first
 * answer: it happens exactly once, and the caller sees it succeed.
 */
@Timeout(120)
class RequestReplayIT {
    private static final int C = 64 << 10;

    private static List<String> names(Cluster c, String dir) throws Exception {
        return c.master().listAll(dir).stream().map(DirEntry::name).toList();
    }

    @Test
    void mkdirCreateRenameUnlinkAndCommitWhoseAnswersAreLostHappenOnceAndSucceed() throws Exception {
        try (MiniCluster mc = MiniCluster.builder().datanodes(2).chunkSize(C).start();
             Cluster c = new Cluster(mc.masterUrl(), Duration.ofSeconds(10), mc.credentials())) {
            c.master().status(); // a connection is open
            int dropped = 0;

            mc.masterLink().dropNextReply();
            Attr d = c.master().mkdir("/d", 0755, 0, 0, false);              // mkdir /d
            assertThat(mc.masterLink().dropped()).isEqualTo(++dropped);
            assertThat(c.master().attr("/d").inode()).isEqualTo(d.inode());

            mc.masterLink().dropNextReply();
            Attr f = c.master().create("/d/f", FileType.FILE, 0644, 0, 0, null, true); // set -C; : > /d/f
            assertThat(mc.masterLink().dropped()).isEqualTo(++dropped);
            assertThat(c.master().attr("/d/f").inode()).isEqualTo(f.inode());

            FileChunks chunks = c.fileChunks(f.inode(), C);
            ChunkRef up = chunks.upload(0, new byte[1000], 1000, true);
            mc.masterLink().dropNextReply();
            Attr committed = chunks.commit(() -> 1000);
            assertThat(mc.masterLink().dropped()).isEqualTo(++dropped);
            assertThat(committed.size()).isEqualTo(1000);
            assertThat(c.master().layout(f.inode(), 0, 10).chunks()).extracting(ChunkRef::id).containsExactly(up.id());

            mc.masterLink().dropNextReply();
            c.master().rename("/d/f", "/d/g", true);                        // mv -n /d/f /d/g
            assertThat(mc.masterLink().dropped()).isEqualTo(++dropped);
            assertThat(names(c, "/d")).containsExactly("g");
            assertThat(c.master().attr("/d/g").inode()).isEqualTo(f.inode());

            mc.masterLink().dropNextReply();
            c.master().unlink("/d/g");                                      // rm /d/g
            assertThat(mc.masterLink().dropped()).isEqualTo(++dropped);
            assertThat(names(c, "/d")).isEmpty();
            assertThat(c.master().attr("/d").nlink()).isEqualTo(2);
        }
    }
}
