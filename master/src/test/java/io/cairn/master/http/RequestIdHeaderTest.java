package io.cairn.master.http;

import io.cairn.master.Callers;
import io.cairn.common.wire.RequestId;
import io.cairn.master.MasterConfig;
import io.cairn.master.MasterServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The request id header over a real socket: a change sent twice under one id is answered twice alike; a malformed id is EINVAL. */
@Timeout(60)
class RequestIdHeaderTest {
    @TempDir
    Path dir;
    MasterServer master;

    @BeforeEach
    void start() throws Exception {
        master = MasterServer.start(MasterConfig.defaults(dir).withPort(0));
        Raw.authorize(master.port(), Callers.adminHeader(master));
    }

    @AfterEach
    void stop() {
        master.close();
    }

    private Raw.Reply mkdir(String header) throws Exception {
        Raw.Req r = Raw.Req.json("POST", "/api/v1/fs/mkdir", "{\"path\":\"/d\",\"mode\":493}");
        return Raw.send(master.port(), header == null ? r : r.header(header));
    }

    @Test
    void aMkdirSentTwiceUnderOneIdIsAnsweredTheSameBothTimes() throws Exception {
        String id = RequestId.HEADER + ": " + RequestId.fresh();
        Raw.Reply first = mkdir(id);
        Raw.Reply again = mkdir(id);
        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(first.json());
        Raw.Reply fresh = mkdir(RequestId.HEADER + ": " + RequestId.fresh());
        assertThat(fresh.status()).isEqualTo(409);
        assertThat(fresh.code()).isEqualTo("EEXIST");
        assertThat(mkdir(null).code()).as("without an id (curl), judged anew").isEqualTo("EEXIST");
    }

    @Test
    void aMalformedRequestIdIsEinvalAndChangesNothing() throws Exception {
        Raw.Reply r = mkdir(RequestId.HEADER + ": ../../not-an-id");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("EINVAL");
        assertThat(r.message()).contains(RequestId.HEADER);
        assertThat(Raw.send(master.port(), Raw.Req.of("GET", "/api/v1/fs/attr?path=/d")).code()).isEqualTo("ENOENT");
    }
}
