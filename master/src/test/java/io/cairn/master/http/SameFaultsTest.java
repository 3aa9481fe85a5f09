package io.cairn.master.http;

import io.cairn.master.Callers;
import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.wire.WireVersion;
import io.cairn.server.Routes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The master and a datanode answer every kind of fault with the same status and the same error code. */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SameFaultsTest {
    private static final String CHUNK = "0123456789abcdef0123456789abcdef";

    BothServers servers;
    long file;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        servers = new BothServers(dir);
        Http http = new Http(Duration.ofSeconds(10), Callers.admin(servers.master));
        try {
            file = new MasterClient(http, servers.master.url()).create("/f", null, null, null, null, null, true).inode();
        } finally {
            http.client().dispatcher().executorService().shutdown();
            http.client().connectionPool().evictAll();
        }
    }

    @AfterAll
    void stop() {
        servers.close();
    }

    /** One fault, asked of each server in its own terms, and the answer both must give. */
    record Fault(String what, Raw.Req toMaster, Raw.Req toDatanode, int status, String code) {
        static Fault same(String what, Raw.Req req, int status, String code) {
            return new Fault(what, req, req, status, code);
        }
    }

    List<Fault> faults() {
        return List.of(
                Fault.same("unknown route", Raw.Req.of("GET", "/api/v1/nope"), 404, "ENOSYS"),
                Fault.same("wrong method", Raw.Req.of("DELETE", "/api/v1/status"), 404, "ENOSYS"),
                new Fault("malformed JSON",
                        Raw.Req.json("POST", "/api/v1/fs/mkdir", "{\"path\": "),
                        Raw.Req.json("POST", "/api/v1/sync", "{\"chunkIds\": "), 400, "EINVAL"),
                new Fault("JSON that is not the record",
                        Raw.Req.json("POST", "/api/v1/fs/mkdir", "[1,2]"),
                        Raw.Req.json("POST", "/api/v1/sync", "[1,2]"), 400, "EINVAL"),
                new Fault("body over the limit",
                        Raw.Req.claiming("POST", "/api/v1/fs/mkdir", Routes.MAX_JSON_BODY + 1L),
                        Raw.Req.claiming("POST", "/api/v1/sync", Routes.MAX_JSON_BODY + 1L), 413, "EFBIG"),
                new Fault("body on a route that takes none", Raw.Req.json("GET", "/api/v1/status", "{}"),
                        Raw.Req.json("GET", "/api/v1/status", "{}").header(servers.statusAuth()), 413, "EFBIG"),
                new Fault("bad name",
                        Raw.Req.json("POST", "/api/v1/fs/mkdir", "{\"path\":\"/a/../b\"}"),
                        Raw.Req.json("POST", "/api/v1/sync", "{\"chunkIds\":[\"../../etc/passwd\"],\"tokens\":[\""
                                + servers.token(CHUNK, "w") + "\"]}"), 400, "EINVAL"),
                new Fault("bad chunk id",
                        Raw.Req.json("POST", "/api/v1/fs/commit", "{\"inode\":" + file + ",\"size\":1,\"chunks\":[{\"index\":0,"
                                + "\"id\":\"" + CHUNK.toUpperCase() + "\",\"size\":1,\"length\":1,\"crc32c\":0,"
                                + "\"replicas\":[\"00000000-0000-0000-0000-000000000001\"]}]}"),
                        Raw.Req.of("GET", "/api/v1/chunks/" + CHUNK.toUpperCase()), 400, "EINVAL"),
                Fault.same("a URI Jetty refuses", Raw.Req.of("GET", "/api/%2e%2e/%2e%2e/etc/passwd"), 400, "EINVAL"),
                Fault.same("a NUL in the URI", Raw.Req.of("GET", "/api/v1/chunks/ab%00cd"), 400, "EINVAL"),
                Fault.same("an exception no rule foresaw", Raw.Req.of("GET", BothServers.BOOM), 500, "EIO"),
                Fault.same("an illegal argument", Raw.Req.of("GET", BothServers.ILLEGAL), 400, "EINVAL"),
                Fault.same("another wire version", Raw.Req.of("GET", "/api/v1/status")
                        .header(WireVersion.HEADER + ": " + (WireVersion.CURRENT + 1)), 400, "EPROTO"));
    }

    @Test
    void bothServersAnswerEveryFaultWithTheSameStatusAndCode() throws Exception {
        for (Fault f : faults()) {
            Raw.Reply m = Raw.send(servers.master.port(), f.toMaster());
            Raw.Reply d = Raw.send(servers.datanode.port(), f.toDatanode());
            for (Raw.Reply r : List.of(m, d)) {
                String who = f.what() + " (" + (r == m ? "master" : "datanode") + ")";
                assertThat(r.status()).as(who).isEqualTo(f.status());
                assertThat(r.headers()).as(who).containsIgnoringCase("Content-Type: application/json");
                assertThat(r.code()).as(who + ": " + r.body()).isEqualTo(f.code());
                assertThat(r.message()).as(who).isNotBlank();
            }
        }
    }

    @Test
    void aFaultNoRuleForesawSaysItIsInternalWithoutTheStackTrace() throws Exception {
        for (int port : new int[] {servers.master.port(), servers.datanode.port()}) {
            Raw.Reply r = Raw.send(port, Raw.Req.of("GET", BothServers.BOOM));
            assertThat(r.message()).isEqualTo("internal error: java.lang.IllegalStateException: a bug no rule foresaw");
        }
    }
}
