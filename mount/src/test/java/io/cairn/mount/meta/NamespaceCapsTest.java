package io.cairn.mount.meta;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cairn.common.client.Http;
import io.cairn.common.client.MasterClient;
import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.json.Json;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ErrorBody;
import io.cairn.common.wire.FileType;
import io.cairn.common.wire.Replies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kernel asks for {@code security.capability} before the first write to every file: for a file
 * this mount has just created the answer needs no master call. The master here is a stand-in on a
 * real socket that answers creates and counts the questions about extended attributes.
 */
@Timeout(30)
class NamespaceCapsTest {
    HttpServer master;
    final AtomicInteger xattrCalls = new AtomicInteger();
    Namespace ns;

    @BeforeEach
    void start() throws IOException {
        master = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        master.createContext("/api/v1/fs/create", ex -> {
            ex.getRequestBody().readAllBytes();
            Attr a = new Attr(7, FileType.FILE, 0644, 0, 0, 0, 1, 1, 1, 1, 0, null);
            reply(ex, 200, Json.mapper().writeValueAsBytes(new Replies.Created(a, null)));
        });
        master.createContext("/api/v1/fs/xattr", ex -> {
            xattrCalls.incrementAndGet();
            reply(ex, 404, Json.mapper().writeValueAsBytes(new ErrorBody("ENODATA", "no such attribute")));
        });
        master.start();
        MasterClient client = new MasterClient(new Http(Duration.ofSeconds(5)),
                "http://127.0.0.1:" + master.getAddress().getPort());
        ns = new Namespace(client, new AttrCache(Duration.ofSeconds(1), System::nanoTime));
    }

    @AfterEach
    void stop() {
        master.stop(0);
    }

    @Test
    void aFileThisMountJustCreatedHasNoCapabilityWithoutAskingTheMaster() throws IOException {
        ns.createForWriting("/new", 0644, 0, 0, false);
        assertThatThrownBy(() -> ns.getXattr("/new", "security.capability"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENODATA));
        assertThat(xattrCalls).hasValue(0);
    }

    @Test
    void anyOtherPathOrNameIsAskedOfTheMasterOnce() throws IOException {
        ns.createForWriting("/new", 0644, 0, 0, false);
        assertThatThrownBy(() -> ns.getXattr("/new", "user.k")).isInstanceOf(CairnException.class);
        assertThatThrownBy(() -> ns.getXattr("/old", "security.capability")).isInstanceOf(CairnException.class);
        assertThatThrownBy(() -> ns.getXattr("/old", "security.capability")).isInstanceOf(CairnException.class);
        assertThat(xattrCalls).hasValue(2);
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }
}
