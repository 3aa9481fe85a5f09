package io.cairn.it;

import io.cairn.testing.Eventually;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One scrape of a {@code /metrics} endpoint in Prometheus's text format, with the samples a test
 * asks for, and the strict check of Prometheus's own {@code promtool check metrics}.
 */
public record Scrape(String text) {
    private static final OkHttpClient HTTP = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20)).build();

    /** GET {@code url} with {@code token} as a bearer token (null: none); fails unless 200. */
    public static Scrape of(String url, String token) throws Exception {
        Request.Builder b = new Request.Builder().url(url);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try (Response r = HTTP.newCall(b.build()).execute()) {
            String body = r.body().string();
            assertThat(r.code()).as("GET %s: %s", url, body).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/plain");
            return new Scrape(body);
        }
    }

    /** The HTTP status of a scrape of {@code url} with {@code token}. */
    public static int status(String url, String token) throws Exception {
        Request.Builder b = new Request.Builder().url(url);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try (Response r = HTTP.newCall(b.build()).execute()) {
            return r.code();
        }
    }

    /** The sum of the samples of {@code name} whose labels include each {@code k="v"} of {@code labels}. */
    public double sum(String name, String... labels) {
        double total = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String series = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
            if (!series.equals(name)) {
                continue;
            }
            String labelText = brace >= 0 ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
            boolean all = true;
            for (int i = 0; i + 1 < labels.length; i += 2) {
                all &= labelText.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                total += Double.parseDouble(line.substring(space + 1));
                found = true;
            }
        }
        assertThat(found).as("a sample of %s with labels %s in:%n%s", name, List.of(labels),
                text.length() > 4000 ? text.substring(0, 4000) + "..." : text).isTrue();
        return total;
    }

    /** The metric names the Grafana dashboard in deploy/ queries (deploy/grafana/cairn-dashboard.json). */
    public static Set<String> dashboardMetrics() throws Exception {
        com.fasterxml.jackson.databind.JsonNode d = io.cairn.common.json.Json.mapper()
                .readTree(Proc.root().resolve("deploy/grafana/cairn-dashboard.json").toFile());
        Set<String> out = new TreeSet<>();
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("\\b((cairn|jvm|process)_[a-z0-9_]+)\\b");
        for (com.fasterxml.jackson.databind.JsonNode panel : d.path("panels")) {
            for (com.fasterxml.jackson.databind.JsonNode t : panel.path("targets")) {
                java.util.regex.Matcher m = name.matcher(t.path("expr").asText());
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    /** The names of every series in this scrape (as queried: with _bucket, _count, _sum, _total). */
    public Set<String> names() {
        Set<String> out = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                int brace = line.indexOf('{');
                out.add(brace >= 0 ? line.substring(0, brace) : line.substring(0, line.lastIndexOf(' ')));
            }
        }
        return out;
    }

    /** Whether promtool is here; in CI its absence fails the test, elsewhere the caller skips saying why. */
    public static boolean promtool() {
        boolean here = Files.isExecutable(Path.of("/usr/bin/promtool"));
        if (!here && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("promtool is missing (Debian's prometheus package; bin/test installs it as root)");
        }
        return here;
    }

    /** Passes {@code promtool check metrics} (Prometheus's own linter of the text format), or fails with what it said. */
    public void lint(String what) throws Exception {
        if (!promtool()) {
            System.out.println("not linting the metrics of " + what + ": no /usr/bin/promtool here");
            return;
        }
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics on %s said: %s", what, said).isZero();
    }

    /** Waits until a scrape of {@code url} satisfies {@code done}. */
    public static Scrape await(String what, Duration timeout, String url, String token,
                        java.util.function.Predicate<Scrape> done) {
        return Eventually.await(what, timeout, Duration.ofMillis(200), () -> of(url, token), done);
    }
}
