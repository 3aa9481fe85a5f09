package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.testing.Eventually;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status page in a real browser (headless Chromium): a master and three datanodes as real
 * processes; the page asks for a token, keeps it, and shows three live datanodes; one datanode is
 * killed with SIGKILL and the page, reloading itself, shows it dead within the dead-after time and
 * a few seconds; an admin token is refused (the page takes metrics tokens only); a datanode's own
 * page opens with the same cookie. Screenshots are kept under
 * target/status-page/. Without a browser the test fails in CI and is skipped elsewhere, saying why.
 */
@Timeout(240)
class StatusPageBrowserIT {
    private static final Duration DEAD_AFTER = Duration.ofSeconds(3);
    private static final Path SHOTS = Path.of("target", "status-page");
    @TempDir
    Path tmp;

    private static String program() {
        StringBuilder why = new StringBuilder();
        String p = Browser.find(why);
        if (p == null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("the status page needs a real browser here: " + why);
            }
            System.out.println("SKIPPED: " + why);
            Assumptions.abort(why.toString());
        }
        return p;
    }

    @Test
    void thePageShowsThreeLiveDatanodesThenTheKilledOneDead() throws Exception {
        String program = program();
        try (ProcessCluster c = new ProcessCluster(tmp.resolve("cluster"), null, 3, "--dead-after",
                DEAD_AFTER.toSeconds() + "s");
             Browser b = new Browser(program, Files.createDirectories(tmp.resolve("browser")))) {
            Path tokenFile = tmp.resolve("page.token");
            Proc.Result made = Proc.run(tmp.resolve("logs"), c.env(), Duration.ofSeconds(60), "admin", "token", "create",
                    "page", "--metrics", "--out", tokenFile.toString(), "--master", c.masterUrl());
            assertThat(made.exit()).as(made.stderr()).isZero();
            String token = Files.readString(tokenFile).trim();
            Path file = tmp.resolve("some-file");
            Files.write(file, new byte[300_000]);
            for (String name : List.of("/notes.txt", "/photos/cat.jpg", "/photos/dog.jpg")) { // a chunk each, on two nodes of three
                assertThat(c.cli(Duration.ofSeconds(60), "put", "-q", file.toString(), name).exit()).isZero();
            }

            b.open(c.masterUrl() + "/");
            awaitTrue(b, "the login form", "document.querySelector('input[name=token]') !== null");
            assertThat(b.eval("document.body.innerText.includes('Datanodes')").asBoolean())
                    .as("nothing of the cluster before a token").isFalse();
            login(b, Files.readString(c.adminTokenFile()).trim());
            awaitTrue(b, "an admin token refused", "document.getElementById('login-error') !== null"
                    + " && document.getElementById('login-error').textContent.includes('metrics token only')");
            login(b, token);
            awaitTrue(b, "three live datanodes", "document.querySelectorAll('tr.node[data-state=live]').length === 3");
            assertThat(b.eval("document.getElementById('files').textContent").asText()).isEqualTo("3");
            awaitTrue(b, "every datanode's heartbeat told of its scrubber",
                    "[...document.querySelectorAll('tr.node')].every(r => !r.textContent.includes('not told'))");
            assertThat(b.eval("document.cookie").asText()).as("the token's cookie is HttpOnly").doesNotContain(token);
            b.screenshot(SHOTS.resolve("three-live.png"));

            double loadedAt = b.eval("performance.timeOrigin").asDouble();
            long t0 = System.nanoTime();
            c.datanode(2).kill9();
            awaitTrue(b, "the killed datanode shown dead", Duration.ofSeconds(DEAD_AFTER.toSeconds() + 10),
                    "document.querySelectorAll('tr.node[data-state=dead]').length === 1"
                            + " && document.querySelectorAll('tr.node[data-state=live]').length === 2");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(b.eval("performance.timeOrigin").asDouble()).as("the page reloaded itself").isGreaterThan(loadedAt);
            assertThat(b.eval("document.getElementById('dead-count').textContent").asText()).isEqualTo("1");
            System.out.printf("status page: the killed datanode showed dead after %d ms (dead after %d s, refresh 2 s)%n",
                    ms, DEAD_AFTER.toSeconds());
            b.screenshot(SHOTS.resolve("one-dead.png"));
            // the dead node's chunks lack a copy: repair orders copies, and the events say so
            awaitTrue(b, "a repair shown among the events", Duration.ofSeconds(20),
                    "document.querySelector('tr.event[data-kind=\"repair.started\"]') !== null");
            b.screenshot(SHOTS.resolve("repair.png"));

            List<String> addresses = new ArrayList<>();
            for (JsonNode n : c.nodes()) {
                if ("live".equals(n.path("state").asText())) {
                    addresses.add(n.path("address").asText());
                }
            }
            // a datanode on this host: the browser sends it the same cookie (cookies are not kept per port)
            b.open(addresses.get(0) + "/");
            awaitTrue(b, "the datanode's own page", "document.getElementById('node-id') !== null"
                    + " && document.getElementById('scrub-passes') !== null");
            b.screenshot(SHOTS.resolve("datanode.png"));
        }
    }

    private static void login(Browser b, String token) throws Exception {
        JsonNode done = b.eval("(() => { const i = document.querySelector('input[name=token]'); i.value = '" + token
                + "'; i.form.submit(); return true; })()");
        assertThat(done).isNotNull();
    }

    private static void awaitTrue(Browser b, String what, String expression) {
        awaitTrue(b, what, Duration.ofSeconds(20), expression);
    }

    private static void awaitTrue(Browser b, String what, Duration timeout, String expression) {
        Eventually.await(what, timeout, Duration.ofMillis(250), () -> b.eval(expression),
                v -> v != null && v.asBoolean());
    }
}
