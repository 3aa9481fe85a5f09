package io.cairn.cli.bench;

import io.cairn.common.units.Units;
import io.cairn.master.MasterServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure DIR (any directory: a Cairn mount, a local disk, bindfs, NFS) against",
            "each --compare DIR with the same workloads, interleaved step by step, and print",
            "tables with a ratio column per compared directory (DIR's figure over the",
            "other's).",
            "Steps: sequential write + fsync and cold read of a large file; create, stat,",
            "cold read, rename, unlink of small files; mkdir; random 4 KiB reads and writes",
            "at queue depth 1 (fio with O_DIRECT when installed); tar -x, cp -r out, git",
            "init/add/commit, git clone, rsync -a twice of a tree. Cold steps drop the",
            "kernel's caches first when run as root. Each step on each directory is bounded",
            "by --step-timeout: past it, it is FAIL and the run goes on. Work happens in a",
            "cairn-bench-* directory inside each DIR, removed at the end.",
            "Exit status: 0 every step finished (or was skipped, a program missing), 1 a step",
            "failed, 2 bad usage."})
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the directory to measure")
    Path dir;
    @Option(names = "--compare", paramLabel = "DIR", description = "a directory to hold DIR against (repeat for more)")
    List<Path> compare = new ArrayList<>();
    @Option(names = "--labels", split = ",", paramLabel = "NAME,...",
            description = "names for DIR and each --compare DIR, in order (default: each directory's own name)")
    List<String> labels;
    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;
    @Option(names = "--size", defaultValue = "1GiB", paramLabel = "SIZE",
            description = "the large file of the sequential steps (default: ${DEFAULT-VALUE})")
    String size;
    @Option(names = "--files", defaultValue = "2000", paramLabel = "N",
            description = "small files (4 KiB each) to create, stat, read, rename and unlink (default: ${DEFAULT-VALUE})")
    int files;
    @Option(names = "--dirs", defaultValue = "1000", paramLabel = "N", description = "directories to make (default: ${DEFAULT-VALUE})")
    int dirs;
    @Option(names = "--tree", paramLabel = "DIR", description = "the tree to unpack, copy, commit and rsync, e.g. /usr/include"
            + " (default: one generated, of --tree-files files)")
    Path tree;
    @Option(names = "--tree-files", defaultValue = "2000", paramLabel = "N",
            description = "files of the generated tree (default: ${DEFAULT-VALUE})")
    int treeFiles;
    @Option(names = "--random-size", defaultValue = "256MiB", paramLabel = "SIZE",
            description = "the file of the random steps: make it at least 4 x the caches in front of DIR (default: ${DEFAULT-VALUE})")
    String randomSize;
    @Option(names = "--random-time", defaultValue = "10s", paramLabel = "DURATION",
            description = "how long each random step runs (default: ${DEFAULT-VALUE})")
    Duration randomTime;
    @Option(names = "--step-timeout", defaultValue = "10m", paramLabel = "DURATION",
            description = "the bound on one step on one directory (default: ${DEFAULT-VALUE})")
    Duration stepTimeout;
    @Option(names = "--work", paramLabel = "DIR",
            description = "local scratch space for the tree, its tarball and copies out (default: the system's temp directory)")
    Path work;
    @Option(names = "--no-drop-caches", description = "never drop the kernel's caches before cold steps")
    boolean noDropCaches;
    @Option(names = "--steps", split = ",", paramLabel = "NAME,...",
            description = "run only these steps (and the steps they work on), e.g. rand-read,rand-write (default: all)")
    List<String> only;

    @Override
    public Integer call() throws Exception {
        Settings settings = settings();
        Steps.select(Steps.of(settings, null), only); // a step name that is not one fails before any work
        List<Path> dirsGiven = new ArrayList<>(List.of(dir));
        dirsGiven.addAll(compare);
        List<String> names = labels(dirsGiven);
        String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<Target> targets = new ArrayList<>();
        ProgressLine progress = ProgressLine.forTerminal();
        try (Workspace ws = prepare(settings, progress)) {
            try {
                for (int i = 0; i < dirsGiven.size(); i++) {
                    Path d = dirsGiven.get(i).toAbsolutePath().normalize();
                    targets.add(new Target(names.get(i), d, scratch(d)));
                }
                List<Step> steps = Steps.select(Steps.of(settings, ws), only);
                String loadBefore = Host.load();
                Map<String, Map<String, Outcome>> outcomes = new Runner(settings, ws, progress).run(steps, targets);
                Report report = new Report("cairn " + MasterServer.VERSION, started, settings, targets, steps, outcomes,
                        loadBefore, Host.load());
                System.out.print(json ? report.json() + "\n" : report.table());
                System.out.flush();
                return report.ok() ? 0 : 1;
            } finally {
                progress.show("removing its files");
                for (Target t : targets) {
                    Cleanup.remove(t.scratch(), ws, stepTimeout);
                }
                progress.clear();
            }
        }
    }

    private Settings settings() {
        long bytes = positive(Units.parseSize(size), "--size");
        long random = positive(Units.parseSize(randomSize), "--random-size") / Settings.RANDOM_BLOCK * Settings.RANDOM_BLOCK;
        if (random == 0) {
            throw new IllegalArgumentException("--random-size must be at least " + Settings.RANDOM_BLOCK + " bytes");
        }
        positive(files, "--files");
        positive(dirs, "--dirs");
        positive(treeFiles, "--tree-files");
        positive(randomTime.toMillis(), "--random-time");
        if (stepTimeout.isZero() || stepTimeout.isNegative()) {
            throw new IllegalArgumentException("--step-timeout must be positive");
        }
        if (tree != null && !Files.isDirectory(tree)) {
            throw new IllegalArgumentException("--tree " + tree + " is not a directory");
        }
        return new Settings(bytes, files, dirs, tree, treeFiles, random, randomTime, stepTimeout, work, !noDropCaches);
    }

    private static long positive(long v, String option) {
        if (v <= 0) {
            throw new IllegalArgumentException(option + " must be positive");
        }
        return v;
    }

    private List<String> labels(List<Path> given) throws IOException {
        Set<Path> seen = new HashSet<>();
        for (Path p : given) {
            if (!Files.isDirectory(p)) {
                throw new IllegalArgumentException(p + " is not a directory");
            }
            if (!seen.add(p.toRealPath())) {
                throw new IllegalArgumentException(p + " is given twice");
            }
        }
        if (labels != null) {
            if (labels.size() != given.size() || new HashSet<>(labels).size() != labels.size()) {
                throw new IllegalArgumentException("--labels needs " + given.size() + " different names, one per directory");
            }
            return labels;
        }
        List<String> out = new ArrayList<>();
        for (Path p : given) {
            Path name = p.toAbsolutePath().normalize().getFileName();
            out.add(name == null ? p.toAbsolutePath().toString() : name.toString());
        }
        return new HashSet<>(out).size() == out.size() ? out
                : given.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList();
    }

    private Workspace prepare(Settings settings, ProgressLine progress) throws IOException {
        progress.show(tree == null ? "making a tree of " + treeFiles + " files" : "reading " + tree);
        try {
            return Workspace.create(work, tree, treeFiles);
        } finally {
            progress.clear();
        }
    }

    private static Path scratch(Path d) {
        try {
            return Files.createTempDirectory(d, "cairn-bench-");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot work in " + d + ": " + Runner.describe(e));
        }
    }
}
