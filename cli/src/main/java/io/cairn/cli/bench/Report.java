package io.cairn.cli.bench;

import io.cairn.common.json.Json;
import io.cairn.common.units.Units;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The results of one run: two Markdown tables (rates, where higher is better; times, where lower
 * is better) with a ratio column for each compared directory (the first directory's figure over
 * the other's), notes under them; or one JSON object.
 */
final class Report {
    private final String version;
    private final String started;
    private final Settings settings;
    private final List<Target> targets;
    private final List<Step> steps;
    private final Map<String, Map<String, Outcome>> outcomes;
    private final String loadBefore;
    private final String loadAfter;

    Report(String version, String started, Settings settings, List<Target> targets, List<Step> steps,
           Map<String, Map<String, Outcome>> outcomes, String loadBefore, String loadAfter) {
        this.version = version;
        this.started = started;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
        this.settings = settings;
        this.targets = targets;
        this.steps = steps;
        this.outcomes = outcomes;
    }

    /** Whether every step that ran finished (skipped steps do not count against it). */
    boolean ok() {
        return outcomes.values().stream().flatMap(m -> m.values().stream())
                .noneMatch(o -> o.status() == Outcome.Status.FAIL);
    }

    private Outcome outcome(Step s, Target t) {
        return outcomes.get(s.name()).get(t.label());
    }

    /** The first directory's figure over {@code other}'s, or null when either has none. */
    private Double ratio(Step s, Target other) {
        Outcome a = outcome(s, targets.get(0));
        Outcome b = outcome(s, other);
        return a.ok() && b.ok() ? a.value() / b.value() : null;
    }

    private static String ratioName(Target a, Target b) {
        return a.label() + "/" + b.label();
    }

    // ---- the table

    String table() {
        StringBuilder sb = new StringBuilder();
        Target first = targets.get(0);
        sb.append("cairn bench of ").append(first.label()).append(" (").append(first.dir()).append(')');
        if (targets.size() > 1) {
            List<String> others = new ArrayList<>();
            for (Target t : targets.subList(1, targets.size())) {
                others.add(t.label() + " (" + t.dir() + ")");
            }
            sb.append(" against ").append(String.join(", ", others));
        }
        sb.append("\n").append(version).append(", ").append(started).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(", load average ").append(loadBefore).append(" at the start, ").append(loadAfter).append(" at the end\n\n");
        section(sb, Step.Better.HIGHER, "rate (higher is better)");
        section(sb, Step.Better.LOWER, "time (lower is better)");
        if (targets.size() > 1) {
            sb.append("Ratios are ").append(first.label()).append("'s figure over the other's: for a rate, above 1 means ")
                    .append(first.label()).append(" is faster; for a time, below 1 does.\n");
        }
        for (String n : notes()) {
            sb.append("- ").append(n).append('\n');
        }
        return sb.toString();
    }

    private void section(StringBuilder sb, Step.Better better, String heading) {
        List<Step> these = steps.stream().filter(s -> s.better() == better).toList();
        if (these.isEmpty()) {
            return;
        }
        List<String> head = new ArrayList<>(List.of(heading, "unit"));
        targets.forEach(t -> head.add(t.label()));
        for (Target t : targets.subList(1, targets.size())) {
            head.add(ratioName(targets.get(0), t));
        }
        row(sb, head);
        List<String> rule = new ArrayList<>(List.of("---", "---"));
        for (int i = 2; i < head.size(); i++) {
            rule.add("---:");
        }
        row(sb, rule);
        for (Step s : these) {
            List<String> cells = new ArrayList<>(List.of(s.title(), s.unit()));
            for (Target t : targets) {
                Outcome o = outcome(s, t);
                cells.add(o.ok() ? figure(o.value()) : o.status() == Outcome.Status.FAIL ? "FAIL" : "skipped");
            }
            for (Target t : targets.subList(1, targets.size())) {
                Double r = ratio(s, t);
                cells.add(r == null ? "" : ratio(r));
            }
            row(sb, cells);
        }
        sb.append('\n');
    }

    private static void row(StringBuilder sb, List<String> cells) {
        sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    /** Three significant figures or so: 1234, 123, 12.3, 1.23, 0.123. */
    static String figure(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String ratio(double r) {
        return r >= 10 ? String.format(Locale.ROOT, "%.1f", r) : r >= 0.1 ? String.format(Locale.ROOT, "%.2f", r)
                : String.format(Locale.ROOT, "%.3f", r);
    }

    /** What the table's figures cannot say: caches, engines, failures, skips. */
    private List<String> notes() {
        List<String> out = new ArrayList<>();
        Map<String, Set<String>> caches = new LinkedHashMap<>(); // what happened -> "step on label"
        for (Step s : steps) {
            if (!s.cold()) {
                continue;
            }
            for (Target t : targets) {
                Outcome o = outcome(s, t);
                if (o.caches() != null) {
                    caches.computeIfAbsent(o.caches(), k -> new LinkedHashSet<>()).add(s.name() + " on " + t.label());
                }
            }
        }
        if (caches.size() == 1 && caches.containsKey(Caches.DROPPED)) {
            out.add("cold steps (" + String.join(", ", steps.stream().filter(Step::cold).map(Step::name).toList())
                    + "): the kernel's caches were " + Caches.DROPPED + " before each, on every directory; "
                    + "caches of a file system's own processes (a FUSE daemon's, a server's) are not the kernel's and stayed");
        } else {
            caches.forEach((what, where) -> out.add("kernel caches " + what + ": " + String.join(", ", where)));
        }
        for (Step s : steps) {
            Map<String, Set<String>> notes = new LinkedHashMap<>();
            for (Target t : targets) {
                Outcome o = outcome(s, t);
                if (o.ok() && o.note() != null) {
                    notes.computeIfAbsent(o.note(), k -> new LinkedHashSet<>()).add(t.label());
                }
            }
            notes.forEach((note, where) -> out.add(s.name() + (where.size() == targets.size() ? "" : " on "
                    + String.join(", ", where)) + ": " + note));
        }
        for (Step s : steps) {
            for (Target t : targets) {
                Outcome o = outcome(s, t);
                if (!o.ok()) {
                    out.add((o.status() == Outcome.Status.FAIL ? "FAIL " : "skipped ") + s.name() + " on " + t.label()
                            + ": " + o.reason());
                }
            }
        }
        return out;
    }

    // ---- JSON

    String json() throws IOException {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("version", version);
        o.put("started", started);
        o.put("cpus", Runtime.getRuntime().availableProcessors());
        o.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        o.put("loadStart", loadBefore);
        o.put("loadEnd", loadAfter);
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("size", settings.size());
        set.put("files", settings.files());
        set.put("dirs", settings.dirs());
        set.put("tree", settings.tree() == null ? null : settings.tree().toString());
        set.put("treeFiles", settings.tree() == null ? settings.treeFiles() : null);
        set.put("randomSize", settings.randomSize());
        set.put("randomTime", Units.writeDuration(settings.randomTime()));
        set.put("stepTimeout", Units.writeDuration(settings.stepTimeout()));
        set.put("dropCaches", settings.dropCaches());
        o.put("settings", set);
        List<Map<String, Object>> dirs = new ArrayList<>();
        for (Target t : targets) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("label", t.label());
            d.put("path", t.dir().toString());
            dirs.add(d);
        }
        o.put("directories", dirs);
        List<Map<String, Object>> ss = new ArrayList<>();
        for (Step s : steps) {
            Map<String, Object> so = new LinkedHashMap<>();
            so.put("name", s.name());
            so.put("title", s.title());
            so.put("unit", s.unit());
            so.put("better", s.better().wire());
            so.put("cold", s.cold());
            boolean failed = targets.stream().anyMatch(t -> outcome(s, t).status() == Outcome.Status.FAIL);
            boolean allOk = targets.stream().allMatch(t -> outcome(s, t).ok());
            so.put("status", failed ? "fail" : allOk ? "ok" : "skipped");
            Map<String, Object> values = new LinkedHashMap<>();
            targets.forEach(t -> values.put(t.label(), outcome(s, t).value()));
            so.put("values", values);
            Map<String, Object> ratios = new LinkedHashMap<>();
            for (Target t : targets.subList(1, targets.size())) {
                ratios.put(ratioName(targets.get(0), t), ratio(s, t));
            }
            so.put("ratios", ratios);
            List<Map<String, Object>> results = new ArrayList<>();
            for (Target t : targets) {
                Outcome oc = outcome(s, t);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("directory", t.label());
                r.put("status", oc.status().wire());
                r.put("value", oc.value());
                r.put("seconds", Math.round(oc.seconds() * 1000) / 1000.0);
                r.put("note", oc.note());
                r.put("caches", oc.caches());
                r.put("reason", oc.reason());
                results.add(r);
            }
            so.put("results", results);
            ss.add(so);
        }
        o.put("steps", ss);
        o.put("ok", ok());
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(o);
    }
}
