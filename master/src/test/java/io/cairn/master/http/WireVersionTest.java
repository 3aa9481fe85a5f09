package io.cairn.master.http;

import io.cairn.master.Callers;
import io.cairn.common.client.DatanodeClient;
import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.security.ChunkTokens;
import io.cairn.common.wire.Requests;
import io.cairn.common.wire.WireVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A caller that announces another wire version is refused by both servers with one clear line. */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WireVersionTest {
    private static final int OTHER = WireVersion.CURRENT + 1;

    BothServers servers;
    Http today;
    Http newer;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        servers = new BothServers(dir);
        today = new Http(Duration.ofSeconds(10), Callers.admin(servers.master));
        newer = new Http(Duration.ofSeconds(10), OTHER, Callers.admin(servers.master));
    }

    @AfterAll
    void stop() {
        servers.close();
        for (Http h : new Http[] {today, newer}) {
            h.client().dispatcher().executorService().shutdown();
            h.client().connectionPool().evictAll();
        }
    }

    private static String line(String role) {
        return "this " + role + " speaks Cairn wire version " + WireVersion.CURRENT + ", the caller speaks " + OTHER
                + ": run the same Cairn version on every part";
    }

    @Test
    void aMasterClientOfAnotherVersionIsRefused() {
        MasterClient m = new MasterClient(newer, servers.master.url());
        assertThatThrownBy(m::status).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.EPROTO);
            assertThat(e.getMessage()).isEqualTo(line("master"));
        });
        assertThatThrownBy(() -> m.mkdir("/d", null, null, null, false))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EPROTO));
    }

    @Test
    void aDatanodeRegistrationOfAnotherVersionIsRefusedAndChangesNothing() throws IOException {
        MasterClient m = new MasterClient(newer, servers.master.url());
        String id = "00000000-0000-0000-0000-00000000abcd";
        assertThatThrownBy(() -> m.register(new Requests.Register(id, null, "http://127.0.0.1:1", 1, 0, 0)))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.EPROTO);
                    assertThat(e.getMessage()).isEqualTo(line("master"));
                });
        assertThat(servers.master.nodes()).noneMatch(n -> n.id().equals(id));
    }

    @Test
    void aDatanodeRefusesAClientOfAnotherVersion() {
        assertThatThrownBy(() -> new DatanodeClient(newer).status(servers.datanode.url(),
                servers.token(ChunkTokens.STATUS_CHUNK, "s")))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.EPROTO);
                    assertThat(e.getMessage()).isEqualTo(line("datanode"));
                });
    }

    @Test
    void callersOfThisVersionAndCallersThatSayNothingAreServed() throws IOException {
        assertThat(new MasterClient(today, servers.master.url()).status().clusterId()).isEqualTo(servers.master.clusterId());
        assertThat(new DatanodeClient(today).status(servers.datanode.url(), servers.token(ChunkTokens.STATUS_CHUNK, "s"))
                .nodeId()).isEqualTo(servers.datanode.nodeId());
        assertThat(Raw.send(servers.master.port(), Raw.Req.of("GET", "/api/v1/status")).status()).as("curl").isEqualTo(200);
        assertThat(Raw.send(servers.datanode.port(), Raw.Req.of("GET", "/api/v1/status").header(servers.statusAuth()))
                .status()).as("curl").isEqualTo(200);
    }
}
