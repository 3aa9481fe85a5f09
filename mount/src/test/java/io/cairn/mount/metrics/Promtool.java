package io.cairn.mount.metrics;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code promtool check metrics < scrape}: the exposition parses and follows Prometheus' naming rules.
 * Without promtool a test fails in CI ({@code CI=true}) and is skipped elsewhere, saying why.
 */
final class Promtool {
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private Promtool() {
    }

    static void assertValid(String exposition) throws IOException, InterruptedException {
        if (!Files.isExecutable(PROMTOOL)) {
            String why = PROMTOOL + " is missing (Debian package prometheus), so the exposition cannot be checked";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why);
            }
            System.out.println("SKIPPED: " + why);
            Assumptions.abort(why);
        }
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(p.exitValue()).as("promtool check metrics said:\n%s", out).isZero();
    }
}
