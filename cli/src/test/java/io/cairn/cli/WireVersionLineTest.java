package io.cairn.cli;

import io.cairn.common.wire.WireVersion;
import io.cairn.server.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A master of another wire version: the command prints the one line that says so and exits 2. */
@Timeout(60)
class WireVersionLineTest {
    @Test
    void aClientCommandShowsTheMastersLineAndExits2() throws Exception {
        int other = WireVersion.CURRENT + 1;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (HttpServer newer = HttpServer.builder("master").wireVersion(other).start("127.0.0.1", 0)) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int exit = Main.run("ls", "--master", "http://127.0.0.1:" + newer.port(), "--timeout", "5s", "/");
            assertThat(exit).isEqualTo(Failures.UNREACHABLE);
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8).strip()).isEqualTo("cairn ls: this master speaks Cairn wire version "
                + other + ", the caller speaks " + WireVersion.CURRENT + ": run the same Cairn version on every part");
    }
}
