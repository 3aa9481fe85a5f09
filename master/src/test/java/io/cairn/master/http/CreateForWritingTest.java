package io.cairn.master.http;

import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.wire.Allocation;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Replies;
import io.cairn.common.wire.Requests;
import io.cairn.master.Callers;
import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A create that asks for an allocation answers with the file and its first chunk placed and leased
 * to it (one master call fewer per small file), over a real master and its HTTP API.
 */
@Timeout(60)
class CreateForWritingTest {
    @TempDir
    Path dir;
    MasterServer master;
    Http http;
    MasterClient client;

    @BeforeEach
    void start() throws Exception {
        master = MasterServer.start(MasterConfig.defaults(dir).withPort(0).withReplication(2, 1));
        http = new Http(Duration.ofSeconds(10), Callers.admin(master));
        client = new MasterClient(http, master.url());
    }

    @AfterEach
    void stop() {
        master.close();
        http.client().dispatcher().executorService().shutdown();
        http.client().connectionPool().evictAll();
    }

    private void register(int n) throws Exception {
        String id = String.format("00000000-0000-0000-0000-%012d", n);
        Http node = new Http(Duration.ofSeconds(10), Callers.node(master, id));
        try {
            new MasterClient(node, master.url()).register(new Requests.Register(id, master.clusterId(),
                    "http://127.0.0.1:" + (6000 + n), 1L << 40, 0, 0));
        } finally {
            node.client().dispatcher().executorService().shutdown();
            node.client().connectionPool().evictAll();
        }
    }

    @Test
    void theAnswerCarriesAnAllocationLeasedToTheNewFileWhichItsCommitMayName() throws Exception {
        register(1);
        register(2);
        Replies.Created c = client.createForWriting("/f", 0644, 0, 0, true);
        Allocation a = c.allocation();
        assertThat(c.attr().isFile()).isTrue();
        assertThat(a).isNotNull();
        assertThat(a.targets()).hasSize(2);
        assertThat(a.leaseMs()).isPositive();

        List<String> on = a.targets().stream().map(Replica::id).toList();
        Attr after = client.commit(new Requests.Commit(c.attr().inode(), 4096,
                List.of(new Requests.CommitChunk(0, a.chunkId(), 4096, 4096, 123, on)), null));
        assertThat(after.size()).isEqualTo(4096);
        assertThat(client.layout(c.attr().inode(), 0, 10).chunks()).singleElement()
                .satisfies(ch -> assertThat(ch.id()).isEqualTo(a.chunkId()));
    }

    @Test
    void withNoDatanodeTheFileIsStillMadeWithoutAnAllocation() throws Exception {
        Replies.Created c = client.createForWriting("/g", 0644, 0, 0, true);
        assertThat(c.allocation()).isNull();
        assertThat(client.attr("/g").inode()).isEqualTo(c.attr().inode());
    }

    @Test
    void aCreateWithoutTheFlagAnswersPlainAttributesAsBefore() throws Exception {
        register(1);
        Attr a = client.create("/h", null, 0644, 0, 0, null, true);
        assertThat(a.isFile()).isTrue();
    }
}
